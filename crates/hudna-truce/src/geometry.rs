//! GeoJSON geometries of a truce, checked before use.
//!
//! A zone that is not a proper area gives wrong answers silently: an unclosed ring, a
//! figure-of-eight outline or a latitude typed as a longitude would put incidents inside or
//! outside at random. So every polygon is checked here, with the reason and the position
//! named, and the crossing test goes through an R-tree of the ring segments so that a
//! country outline of thousands of vertices is checked as quickly as a square.

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Area, Contains, Coord, Line, LineString, MultiPolygon, Point, Polygon};
use rstar::primitives::GeomWithData;
use rstar::{RTree, RTreeObject};

/// Why a geometry was rejected. Positions are 0-based; coordinates are longitude, latitude.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeometryError {
    /// Not the kind of geometry the field takes.
    #[error("expected a {expected} geometry, found {found}")]
    WrongType {
        /// What the field takes.
        expected: &'static str,
        /// What was given.
        found: String,
    },
    /// No coordinates at all.
    #[error("the geometry is empty")]
    Empty,
    /// A position that is not two numbers.
    #[error("polygon {polygon}, ring {ring}, position {index}: a position needs a longitude and a latitude")]
    BadPosition {
        /// Polygon of a multipolygon.
        polygon: usize,
        /// Ring (0 is the exterior).
        ring: usize,
        /// Position in the ring.
        index: usize,
    },
    /// A coordinate outside longitude −180…180 or latitude −90…90, or not a number.
    #[error("polygon {polygon}, ring {ring}, position {index}: ({lon}, {lat}) is out of range (longitude −180…180, latitude −90…90; GeoJSON puts longitude first)")]
    OutOfRange {
        /// Polygon of a multipolygon.
        polygon: usize,
        /// Ring (0 is the exterior).
        ring: usize,
        /// Position in the ring.
        index: usize,
        /// The longitude given.
        lon: f64,
        /// The latitude given.
        lat: f64,
    },
    /// Fewer than four positions in a ring.
    #[error("polygon {polygon}, ring {ring} has {n} positions; a ring needs at least 4 (three corners and the first repeated at the end)")]
    TooFewPositions {
        /// Polygon of a multipolygon.
        polygon: usize,
        /// Ring (0 is the exterior).
        ring: usize,
        /// How many it has.
        n: usize,
    },
    /// The last position of a ring differs from the first.
    #[error("polygon {polygon}, ring {ring} is not closed: it starts at ({:.5}, {:.5}) and ends at ({:.5}, {:.5})", .first.0, .first.1, .last.0, .last.1)]
    NotClosed {
        /// Polygon of a multipolygon.
        polygon: usize,
        /// Ring (0 is the exterior).
        ring: usize,
        /// First position.
        first: (f64, f64),
        /// Last position.
        last: (f64, f64),
    },
    /// A ring has no area (all its corners on one line).
    #[error("polygon {polygon}, ring {ring} encloses no area")]
    ZeroArea {
        /// Polygon of a multipolygon.
        polygon: usize,
        /// Ring.
        ring: usize,
    },
    /// Two segments of the outline cross or touch where they should not.
    #[error("polygon {polygon} intersects itself at ({:.5}, {:.5}): ring {} segment {} meets ring {} segment {}", .at.0, .at.1, .a.0, .a.1, .b.0, .b.1)]
    SelfIntersection {
        /// Polygon of a multipolygon.
        polygon: usize,
        /// (ring, segment) of the first.
        a: (usize, usize),
        /// (ring, segment) of the second.
        b: (usize, usize),
        /// Where they meet.
        at: (f64, f64),
    },
    /// Two polygons of a multipolygon cross or share an edge.
    #[error("polygons {} and {} of the multipolygon overlap at ({:.5}, {:.5}) (ring {} segment {} meets ring {} segment {}); merge them into one polygon", .a.0, .b.0, .at.0, .at.1, .a.1, .a.2, .b.1, .b.2)]
    PartsOverlap {
        /// (polygon, ring, segment) of the first.
        a: (usize, usize, usize),
        /// (polygon, ring, segment) of the second.
        b: (usize, usize, usize),
        /// Where they meet.
        at: (f64, f64),
    },
    /// A polygon of a multipolygon lies inside another.
    #[error(
        "polygon {inner} of the multipolygon lies inside polygon {outer}; use a hole or merge them"
    )]
    NestedParts {
        /// The inner polygon.
        inner: usize,
        /// The polygon containing it.
        outer: usize,
    },
    /// A hole that is not inside the exterior ring.
    #[error("polygon {polygon}: hole (ring {ring}) is not inside the exterior ring")]
    HoleOutside {
        /// Polygon of a multipolygon.
        polygon: usize,
        /// The hole's ring.
        ring: usize,
    },
    /// A route with fewer than two distinct positions, or a bad position in it.
    #[error("line position {index}: {reason}")]
    BadLine {
        /// Position in the line.
        index: usize,
        /// What is wrong.
        reason: String,
    },
}

type Ring = Vec<(f64, f64)>;

fn positions_of(
    polygon: usize,
    rings: &[Vec<geojson::Position>],
) -> Result<Vec<Ring>, GeometryError> {
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let mut pts = Vec::with_capacity(ring.len());
        for (i, p) in ring.iter().enumerate() {
            let s = p.as_slice();
            if s.len() < 2 {
                return Err(GeometryError::BadPosition {
                    polygon,
                    ring: r,
                    index: i,
                });
            }
            pts.push((s[0], s[1]));
        }
        out.push(pts);
    }
    Ok(out)
}

/// Reads a Polygon or MultiPolygon and checks it.
pub(crate) fn area_from_geojson(g: &geojson::Geometry) -> Result<MultiPolygon<f64>, GeometryError> {
    let polygons: Vec<Vec<Ring>> = match &g.value {
        geojson::GeometryValue::Polygon { coordinates } => vec![positions_of(0, coordinates)?],
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates
            .iter()
            .enumerate()
            .map(|(i, p)| positions_of(i, p))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(GeometryError::WrongType {
                expected: "Polygon or MultiPolygon",
                found: other.type_name().to_string(),
            })
        }
    };
    area_from_rings(&polygons)
}

/// Checks polygons given as rings of (longitude, latitude) and builds them.
pub(crate) fn area_from_rings(polygons: &[Vec<Ring>]) -> Result<MultiPolygon<f64>, GeometryError> {
    if polygons.is_empty() || polygons.iter().all(|p| p.is_empty()) {
        return Err(GeometryError::Empty);
    }
    // Positions: in range, enough of them, rings closed, not flat.
    let mut all_rings: Vec<Vec<LineString<f64>>> = Vec::with_capacity(polygons.len());
    for (pi, rings) in polygons.iter().enumerate() {
        if rings.is_empty() {
            return Err(GeometryError::Empty);
        }
        let mut built: Vec<LineString<f64>> = Vec::with_capacity(rings.len());
        for (ri, ring) in rings.iter().enumerate() {
            for (i, &(lon, lat)) in ring.iter().enumerate() {
                if !in_range(lon, lat) {
                    return Err(GeometryError::OutOfRange {
                        polygon: pi,
                        ring: ri,
                        index: i,
                        lon,
                        lat,
                    });
                }
            }
            if ring.len() < 4 {
                return Err(GeometryError::TooFewPositions {
                    polygon: pi,
                    ring: ri,
                    n: ring.len(),
                });
            }
            let (first, last) = (ring[0], ring[ring.len() - 1]);
            if first != last {
                return Err(GeometryError::NotClosed {
                    polygon: pi,
                    ring: ri,
                    first,
                    last,
                });
            }
            // Repeated positions add zero-length segments and nothing else; drop them.
            let mut coords: Vec<Coord<f64>> = Vec::with_capacity(ring.len());
            for &(x, y) in ring {
                if coords.last() != Some(&Coord { x, y }) {
                    coords.push(Coord { x, y });
                }
            }
            if coords.len() < 4 || collinear(&coords) {
                return Err(GeometryError::ZeroArea {
                    polygon: pi,
                    ring: ri,
                });
            }
            built.push(LineString::new(coords));
        }
        all_rings.push(built);
    }
    // Outlines: no ring crosses itself or another, no two polygons overlap.
    check_crossings(&all_rings)?;
    let mut out = Vec::with_capacity(all_rings.len());
    for (pi, rings) in all_rings.into_iter().enumerate() {
        for (ri, ring) in rings.iter().enumerate() {
            if Polygon::new(ring.clone(), vec![]).unsigned_area() < 1e-14 {
                return Err(GeometryError::ZeroArea {
                    polygon: pi,
                    ring: ri,
                });
            }
        }
        let mut rings = rings.into_iter();
        let exterior = Polygon::new(
            rings.next().unwrap_or_else(|| LineString::new(vec![])),
            vec![],
        );
        let holes: Vec<LineString<f64>> = rings.collect();
        for (k, hole) in holes.iter().enumerate() {
            // Rings do not cross, so one vertex off the exterior's outline tells whether
            // the hole is inside.
            let inside = hole
                .0
                .iter()
                .map(|c| Point::from(*c))
                .find(|p| !exterior.exterior().contains(p))
                .is_none_or(|p| exterior.contains(&p));
            if !inside {
                return Err(GeometryError::HoleOutside {
                    polygon: pi,
                    ring: k + 1,
                });
            }
        }
        let (ext, _) = exterior.into_inner();
        out.push(Polygon::new(ext, holes));
    }
    // Parts do not cross either; one inside another shows by a vertex.
    for (i, inner) in out.iter().enumerate() {
        for (j, outer) in out.iter().enumerate() {
            if i != j {
                let inside = inner
                    .exterior()
                    .0
                    .iter()
                    .map(|c| Point::from(*c))
                    .find(|p| !outer.exterior().contains(p))
                    .is_some_and(|p| outer.contains(&p));
                if inside {
                    return Err(GeometryError::NestedParts { inner: i, outer: j });
                }
            }
        }
    }
    Ok(MultiPolygon::new(out))
}

/// `true` for a finite longitude in −180…180 and latitude in −90…90.
pub(crate) fn in_range(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
}

/// `true` when every position lies on one line (a ring that encloses nothing).
fn collinear(c: &[Coord<f64>]) -> bool {
    let a = c[0];
    let Some(b) = c.iter().find(|p| **p != a) else {
        return true;
    };
    c.iter().all(|p| {
        let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
        cross.abs() < 1e-14
    })
}

/// Rejects rings that cross themselves or each other, and polygons of a multipolygon
/// that cross or share edges, through one R-tree of all segments.
fn check_crossings(polygons: &[Vec<LineString<f64>>]) -> Result<(), GeometryError> {
    type Seg = GeomWithData<Line<f64>, (usize, usize, usize)>;
    let mut segs: Vec<Seg> = Vec::new();
    let mut ring_len: Vec<Vec<usize>> = Vec::with_capacity(polygons.len());
    for (pi, rings) in polygons.iter().enumerate() {
        let mut lens = Vec::with_capacity(rings.len());
        for (r, ring) in rings.iter().enumerate() {
            let before = segs.len();
            segs.extend(
                ring.lines()
                    .enumerate()
                    .map(|(i, l)| GeomWithData::new(l, (pi, r, i))),
            );
            lens.push(segs.len() - before);
        }
        ring_len.push(lens);
    }
    let tree: RTree<Seg> = RTree::bulk_load(segs.clone());
    for s in &segs {
        let (pa, ra, ia) = s.data;
        for t in tree.locate_in_envelope_intersecting(&s.envelope()) {
            let (pb, rb, ib) = t.data;
            if (pb, rb, ib) <= (pa, ra, ia) {
                continue;
            }
            let Some(hit) = line_intersection(*s.geom(), *t.geom()) else {
                continue;
            };
            let same_ring = pa == pb && ra == rb;
            let adjacent = same_ring && {
                let n = ring_len[pa][ra];
                ib == ia + 1 || (ia == 0 && ib + 1 == n)
            };
            let at = match hit {
                LineIntersection::SinglePoint {
                    intersection,
                    is_proper,
                } => {
                    // A ring may only meet itself where neighbouring segments join; rings
                    // and polygons may touch at a point but not cross.
                    let bad = if same_ring {
                        !adjacent || is_proper
                    } else {
                        is_proper
                    };
                    if !bad {
                        continue;
                    }
                    intersection
                }
                // Overlapping collinear segments: a spike, a doubled or a shared edge.
                LineIntersection::Collinear { intersection } => intersection.start,
            };
            return Err(if pa == pb {
                GeometryError::SelfIntersection {
                    polygon: pa,
                    a: (ra, ia),
                    b: (rb, ib),
                    at: (at.x, at.y),
                }
            } else {
                GeometryError::PartsOverlap {
                    a: (pa, ra, ia),
                    b: (pb, rb, ib),
                    at: (at.x, at.y),
                }
            });
        }
    }
    Ok(())
}

/// Reads a LineString (a route) and checks it.
pub(crate) fn line_from_geojson(g: &geojson::Geometry) -> Result<LineString<f64>, GeometryError> {
    let geojson::GeometryValue::LineString { coordinates } = &g.value else {
        return Err(GeometryError::WrongType {
            expected: "LineString",
            found: g.value.type_name().to_string(),
        });
    };
    let mut coords: Vec<Coord<f64>> = Vec::with_capacity(coordinates.len());
    for (i, p) in coordinates.iter().enumerate() {
        let s = p.as_slice();
        if s.len() < 2 {
            return Err(GeometryError::BadLine {
                index: i,
                reason: "a position needs a longitude and a latitude".into(),
            });
        }
        let (lon, lat) = (s[0], s[1]);
        if !in_range(lon, lat) {
            return Err(GeometryError::BadLine {
                index: i,
                reason: format!("({lon}, {lat}) is out of range (longitude −180…180, latitude −90…90; GeoJSON puts longitude first)"),
            });
        }
        if coords.last() != Some(&Coord { x: lon, y: lat }) {
            coords.push(Coord { x: lon, y: lat });
        }
    }
    if coordinates.is_empty() {
        return Err(GeometryError::Empty);
    }
    if coords.len() < 2 {
        return Err(GeometryError::BadLine {
            index: coordinates.len() - 1,
            reason: "a route needs at least two distinct positions".into(),
        });
    }
    Ok(LineString::new(coords))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, s: f64) -> Ring {
        vec![
            (x0, y0),
            (x0 + s, y0),
            (x0 + s, y0 + s),
            (x0, y0 + s),
            (x0, y0),
        ]
    }

    #[test]
    fn a_square_with_a_hole_is_valid() {
        let mp = area_from_rings(&[vec![square(0.0, 0.0, 4.0), square(1.0, 1.0, 1.0)]]).unwrap();
        assert_eq!(mp.0.len(), 1);
        assert_eq!(mp.0[0].interiors().len(), 1);
    }

    #[test]
    fn each_kind_of_bad_polygon_is_named() {
        let bowtie = vec![(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0), (0.0, 0.0)];
        assert!(matches!(
            area_from_rings(&[vec![bowtie]]),
            Err(GeometryError::SelfIntersection { .. })
        ));
        let open = vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];
        assert!(matches!(
            area_from_rings(&[vec![open]]),
            Err(GeometryError::NotClosed { .. })
        ));
        let far = vec![(0.0, 0.0), (1.0, 0.0), (1.0, 95.0), (0.0, 0.0)];
        assert!(matches!(
            area_from_rings(&[vec![far]]),
            Err(GeometryError::OutOfRange { index: 2, .. })
        ));
        assert!(matches!(area_from_rings(&[]), Err(GeometryError::Empty)));
        let flat = vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (0.0, 0.0)];
        assert!(area_from_rings(&[vec![flat]]).is_err());
        let outside = vec![square(0.0, 0.0, 1.0), square(5.0, 5.0, 1.0)];
        assert!(matches!(
            area_from_rings(&[outside]),
            Err(GeometryError::HoleOutside { ring: 1, .. })
        ));
        assert!(matches!(
            area_from_rings(&[vec![square(0.0, 0.0, 2.0)], vec![square(1.0, 1.0, 2.0)]]),
            Err(GeometryError::PartsOverlap { .. })
        ));
        assert!(matches!(
            area_from_rings(&[vec![square(0.0, 0.0, 4.0)], vec![square(1.0, 1.0, 1.0)]]),
            Err(GeometryError::NestedParts { inner: 1, outer: 0 })
        ));
        assert!(
            area_from_rings(&[vec![square(0.0, 0.0, 1.0)], vec![square(1.0, 1.0, 1.0)]]).is_ok()
        );
        let crossing_hole = vec![square(0.0, 0.0, 2.0), square(1.0, 1.0, 2.0)];
        assert!(matches!(
            area_from_rings(&[crossing_hole]),
            Err(GeometryError::SelfIntersection { .. })
        ));
    }
}
