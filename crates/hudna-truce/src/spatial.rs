//! Spatial indexes: every question "which terms are here?" goes through an R-tree.
//!
//! Three kinds of index serve the engine:
//! - areas (zones) are found by their bounding boxes; each area then answers "am I inside,
//!   and how far from my boundary?" through an R-tree of its own edges, so a country outline
//!   of thousands of vertices costs a few edge tests, not thousands;
//! - sites are found by the bounding boxes of their protected discs, then measured with the
//!   haversine distance;
//! - movements are indexed segment by segment (a long diagonal route has a huge bounding
//!   box, its segments do not), then measured in a plane centred on the incident.
//!
//! Distances to zone boundaries are measured in an equirectangular plane centred on the
//! zone's middle latitude (longitudes scaled by its cosine): across Syria's five degrees of
//! latitude the error stays under 4 %, which only moves confidences near a boundary.
//!
//! Each index also has a naive counterpart (every term, every edge) used by the benchmark
//! as the baseline and by the tests to show both give the same findings.

use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Contains, Coord, Distance, Haversine, Line, LineString};
use geo::{MultiPolygon, Point, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{PointDistance, RTree, AABB};

/// Kilometres per degree of a great circle (mean Earth radius 6371.0088 km, as `geo`'s
/// haversine uses).
pub(crate) const KM_PER_DEG: f64 = 6371.0088 * std::f64::consts::PI / 180.0;

/// A boundary segment in the plane, with the polygon it belongs to. Its own type (rather
/// than `geo::Line`) so that the R-tree measures squared distances without square roots.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Edge {
    a: [f64; 2],
    b: [f64; 2],
    part: u32,
}

impl rstar::RTreeObject for Edge {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(self.a, self.b)
    }
}

impl PointDistance for Edge {
    fn distance_2(&self, p: &[f64; 2]) -> f64 {
        seg_dist2(*p, self.a, self.b)
    }
}

/// Squared distance from `p` to the segment `a`–`b`.
fn seg_dist2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (abx, aby) = (b[0] - a[0], b[1] - a[1]);
    let (apx, apy) = (p[0] - a[0], p[1] - a[1]);
    let len2 = abx * abx + aby * aby;
    let t = if len2 > 0.0 {
        ((apx * abx + apy * aby) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (dx, dy) = (apx - t * abx, apy - t * aby);
    dx * dx + dy * dy
}
pub(crate) type Boxed<T> = GeomWithData<Rectangle<[f64; 2]>, T>;

/// An area ready for point queries: inside or not, and the distance to its boundary.
#[derive(Debug)]
pub(crate) struct PreparedArea {
    cos0: f64,
    /// Bounding box in longitude/latitude.
    pub(crate) lonlat_box: ([f64; 2], [f64; 2]),
    /// Bounding box in the plane.
    xmin: f64,
    xmax: f64,
    parts: usize,
    edges: RTree<Edge>,
    /// For large areas: cells of a grid lying wholly inside, each with a lower bound on the
    /// distance (in degrees) from any of its points to the boundary. Most incidents fall deep
    /// inside a country-sized area; one point query then answers for them.
    interior: RTree<GeomWithData<Rectangle<[f64; 2]>, f64>>,
    /// The polygons in the plane, for the naive path.
    plane: MultiPolygon<f64>,
}

/// Areas with at least this many edges get interior cells.
const INTERIOR_MIN_EDGES: usize = 256;
/// Cells per side of the interior grid.
const INTERIOR_GRID: usize = 64;

impl PreparedArea {
    pub(crate) fn new(mp: &MultiPolygon<f64>) -> PreparedArea {
        let rect = mp.bounding_rect();
        let (min, max) = rect.map_or(((0.0, 0.0), (0.0, 0.0)), |r| {
            ((r.min().x, r.min().y), (r.max().x, r.max().y))
        });
        let cos0 = ((min.1 + max.1) / 2.0).to_radians().cos().max(1e-6);
        let to_plane = |c: &Coord<f64>| Coord {
            x: c.x * cos0,
            y: c.y,
        };
        let plane = MultiPolygon::new(
            mp.0.iter()
                .map(|p| {
                    let ext = LineString::new(p.exterior().0.iter().map(to_plane).collect());
                    let ints = p
                        .interiors()
                        .iter()
                        .map(|r| LineString::new(r.0.iter().map(to_plane).collect()))
                        .collect();
                    Polygon::new(ext, ints).orient(Direction::Default)
                })
                .collect(),
        );
        let mut edges = Vec::new();
        for (i, p) in plane.0.iter().enumerate() {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                edges.extend(ring.lines().map(|l| Edge {
                    a: [l.start.x, l.start.y],
                    b: [l.end.x, l.end.y],
                    part: i as u32,
                }));
            }
        }
        let n_edges = edges.len();
        let mut area = PreparedArea {
            cos0,
            lonlat_box: ([min.0, min.1], [max.0, max.1]),
            xmin: min.0 * cos0,
            xmax: max.0 * cos0,
            parts: plane.0.len(),
            edges: RTree::bulk_load(edges),
            interior: RTree::new(),
            plane,
        };
        if n_edges >= INTERIOR_MIN_EDGES {
            area.interior = RTree::bulk_load(area.interior_cells(min.1, max.1));
        }
        area
    }

    /// The cells of a grid over the area that lie wholly inside it, with how far inside.
    fn interior_cells(&self, ymin: f64, ymax: f64) -> Vec<GeomWithData<Rectangle<[f64; 2]>, f64>> {
        let n = INTERIOR_GRID;
        let (w, h) = ((self.xmax - self.xmin) / n as f64, (ymax - ymin) / n as f64);
        let half_diagonal = (w * w + h * h).sqrt() / 2.0;
        let mut cells = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let (x0, y0) = (self.xmin + i as f64 * w, ymin + j as f64 * h);
                let c = [x0 + w / 2.0, y0 + h / 2.0];
                if !self.ray_inside(c) {
                    continue;
                }
                let Some((_, d2)) = self.edges.nearest_neighbor_iter_with_distance_2(&c).next()
                else {
                    continue;
                };
                let margin = d2.sqrt() - half_diagonal;
                if margin > 0.0 {
                    cells.push(GeomWithData::new(
                        Rectangle::from_corners([x0, y0], [x0 + w, y0 + h]),
                        margin,
                    ));
                }
            }
        }
        cells
    }

    fn in_box(&self, lon: f64, lat: f64) -> bool {
        let (a, b) = self.lonlat_box;
        lon >= a[0] && lon <= b[0] && lat >= a[1] && lat <= b[1]
    }

    /// When the point is inside: the km to the boundary, or infinity when the boundary is
    /// farther than `cap_km`. `None` outside.
    ///
    /// Only edges within `cap_km` are looked at (a small search whatever the size of the
    /// area): beyond a few precision radii the distance no longer changes the confidence,
    /// and explanations say "more than `cap_km`". Rings are oriented with the inside on the
    /// left of every edge, so when the nearest boundary point lies inside an edge the side
    /// of that edge is the answer; at a vertex, or with no edge near, a ray cast through
    /// the edge index decides.
    pub(crate) fn inside_km(&self, lon: f64, lat: f64, cap_km: f64) -> Option<f64> {
        if !self.in_box(lon, lat) {
            return None;
        }
        let p = [lon * self.cos0, lat];
        let cap = cap_km / KM_PER_DEG;
        if self
            .interior
            .locate_all_at_point(&p)
            .any(|cell| cell.data > cap)
        {
            return Some(f64::INFINITY);
        }
        let mut best: Option<(&Edge, f64)> = None;
        for e in self.edges.locate_within_distance(p, cap * cap) {
            let d2 = e.distance_2(&p);
            if best.is_none_or(|b| d2 < b.1) {
                best = Some((e, d2));
            }
        }
        let Some((e, d2)) = best else {
            return self.ray_inside(p).then_some(f64::INFINITY);
        };
        let (a, b) = (e.a, e.b);
        let (abx, aby) = (b[0] - a[0], b[1] - a[1]);
        let (apx, apy) = (p[0] - a[0], p[1] - a[1]);
        let t = (apx * abx + apy * aby) / (abx * abx + aby * aby);
        let inside = if t > 0.0 && t < 1.0 {
            abx * apy - aby * apx >= 0.0
        } else {
            self.ray_inside(p)
        };
        inside.then(|| d2.sqrt() * KM_PER_DEG)
    }

    /// km from a point to the area's boundary, however far: the nearest edge, through the
    /// edge index. [`PreparedArea::inside_km`] stops looking at `cap_km`, which is enough for
    /// the confidence; findings still state the full distance, and this gives it for the
    /// few incidents that have one.
    pub(crate) fn boundary_km(&self, lon: f64, lat: f64) -> f64 {
        let p = [lon * self.cos0, lat];
        // The single-neighbour search keeps its queue on the stack (the iterator allocates).
        self.edges
            .nearest_neighbor(&p)
            .map_or(f64::INFINITY, |e| e.distance_2(&p).sqrt() * KM_PER_DEG)
    }

    /// Point in polygon by a ray towards the nearer side of the box, counting crossings
    /// per polygon through the edge index.
    fn ray_inside(&self, p: [f64; 2]) -> bool {
        let (px, py) = (p[0], p[1]);
        let right = self.xmax - px <= px - self.xmin;
        let env = if right {
            AABB::from_corners(p, [self.xmax + 1.0, py])
        } else {
            AABB::from_corners([self.xmin - 1.0, py], p)
        };
        let mut odd_small: u64 = 0;
        let mut odd_big: Vec<bool> = if self.parts > 64 {
            vec![false; self.parts]
        } else {
            Vec::new()
        };
        for e in self.edges.locate_in_envelope_intersecting(&env) {
            let (a, b) = (e.a, e.b);
            if (a[1] > py) == (b[1] > py) {
                continue;
            }
            let xi = a[0] + (py - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if (right && xi > px) || (!right && xi < px) {
                let part = e.part as usize;
                if self.parts > 64 {
                    odd_big[part] = !odd_big[part];
                } else {
                    odd_small ^= 1 << part;
                }
            }
        }
        odd_small != 0 || odd_big.iter().any(|b| *b)
    }

    /// The same answer without the edge index: a point-in-polygon test over every vertex and
    /// a scan of every edge. The baseline of the benchmark. The scan sees every edge anyway,
    /// so the distance is never capped: it is what [`PreparedArea::boundary_km`] gives.
    pub(crate) fn inside_km_naive(&self, lon: f64, lat: f64) -> Option<f64> {
        let p = Point::new(lon * self.cos0, lat);
        if !self.plane.contains(&p) {
            return None;
        }
        let mut best = f64::INFINITY;
        for poly in &self.plane.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for l in ring.lines() {
                    best = best.min(seg_dist2(
                        [p.x(), p.y()],
                        [l.start.x, l.start.y],
                        [l.end.x, l.end.y],
                    ));
                }
            }
        }
        Some(best.sqrt() * KM_PER_DEG)
    }
}

/// A box of `radius_km` around a point, in longitude/latitude.
pub(crate) fn box_around(lon: f64, lat: f64, radius_km: f64) -> ([f64; 2], [f64; 2]) {
    let dlat = radius_km / KM_PER_DEG;
    let worst_lat = (lat.abs() + dlat).min(89.9);
    let dlon = radius_km / (KM_PER_DEG * worst_lat.to_radians().cos());
    ([lon - dlon, lat - dlat], [lon + dlon, lat + dlat])
}

/// A rectangle for an R-tree.
pub(crate) fn boxed<T>(b: ([f64; 2], [f64; 2]), data: T) -> Boxed<T> {
    GeomWithData::new(Rectangle::from_corners(b.0, b.1), data)
}

/// Great-circle distance in km.
pub(crate) fn haversine_km(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    Haversine.distance(Point::new(lon1, lat1), Point::new(lon2, lat2)) / 1000.0
}

/// km from a point to a segment, in a plane centred on the point's latitude.
pub(crate) fn segment_km(lon: f64, lat: f64, seg: &Line<f64>) -> f64 {
    let c = lat.to_radians().cos();
    seg_dist2(
        [lon * c, lat],
        [seg.start.x * c, seg.start.y],
        [seg.end.x * c, seg.end.y],
    )
    .sqrt()
        * KM_PER_DEG
}

/// The box of a segment widened by `half_km` on every side.
pub(crate) fn segment_box(seg: &Line<f64>, half_km: f64) -> ([f64; 2], [f64; 2]) {
    let (a, b) = (seg.start, seg.end);
    let dlat = half_km / KM_PER_DEG;
    let far = (a.y.abs().max(b.y.abs()) + dlat).min(89.9);
    let dlon = half_km / (KM_PER_DEG * far.to_radians().cos());
    (
        [a.x.min(b.x) - dlon, a.y.min(b.y) - dlat],
        [a.x.max(b.x) + dlon, a.y.max(b.y) + dlat],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn area_answers_inside_and_distance_like_the_naive_scan() {
        let p = polygon![
            (x: 36.0, y: 35.0), (x: 37.0, y: 35.0), (x: 37.0, y: 36.0), (x: 36.0, y: 36.0), (x: 36.0, y: 35.0)
        ];
        let a = PreparedArea::new(&MultiPolygon::new(vec![p]));
        let d = a.inside_km(36.5, 35.01, 10.0).unwrap();
        assert!((d - 0.01 * KM_PER_DEG).abs() < 0.01, "{d}");
        assert_eq!(a.inside_km(37.5, 35.5, 10.0), None);
        assert_eq!(
            a.inside_km(36.9999, 35.5, 10.0).map(|d| d < 0.1),
            Some(true)
        );
        assert_eq!(a.inside_km(36.5, 35.5, 10.0), Some(f64::INFINITY));
        for (x, y) in [
            (36.2, 35.3),
            (36.999, 35.999),
            (35.9, 35.5),
            (36.5, 36.01),
            (36.5, 35.5),
        ] {
            let naive = a.inside_km_naive(x, y);
            for cap in [1.0, 10.0, 100.0] {
                let indexed = a.inside_km(x, y, cap);
                assert_eq!(indexed.is_some(), naive.is_some(), "({x}, {y})");
                // Within the cap both give the same distance; beyond it the index says
                // "far" and the full distance comes from `boundary_km`.
                let full = indexed.map(|d| {
                    if d.is_finite() {
                        d
                    } else {
                        a.boundary_km(x, y)
                    }
                });
                assert_eq!(full, naive, "({x}, {y}) cap {cap}");
                if let Some(d) = indexed.filter(|d| d.is_finite()) {
                    assert!(d <= cap, "{d} > {cap}");
                }
            }
        }
    }

    #[test]
    fn distances_to_sites_and_routes() {
        // One degree of latitude.
        assert!((haversine_km(36.0, 35.0, 36.0, 36.0) - KM_PER_DEG).abs() < 1e-6);
        let seg = Line::new(Coord { x: 36.0, y: 35.0 }, Coord { x: 37.0, y: 35.0 });
        let d = segment_km(36.5, 35.01, &seg);
        assert!((d - 0.01 * KM_PER_DEG).abs() < 0.01, "{d}");
        let b = segment_box(&seg, 1.0);
        assert!(b.0[1] < 35.0 && b.1[1] > 35.0 && b.0[0] < 36.0 && b.1[0] > 37.0);
    }
}
