//! The theatre's basemap: neighbouring countries, first-level administrative areas and the
//! names drawn on them, read from the theatre's `map/` data folder.
//!
//! The shipped boundaries are far more detailed than a page needs (the Syrian governorates
//! alone have 27,000 points), so each layer is simplified with Ramer–Douglas–Peucker at a
//! ladder of tolerances, lazily, once per process; a render picks the coarsest step whose
//! error stays under a fraction of a pixel at the zoom the reader may reach.

use std::path::Path;
use std::sync::OnceLock;

use geo::{coord, BoundingRect, MultiPolygon, Point, Rect, Simplify};
use hudna_i18n::Lang;

use crate::MapError;

/// Tolerances (degrees) of the simplification ladder: step `i` is `BASE_TOLERANCE * 2^i`.
const BASE_TOLERANCE: f64 = 0.00005;
const LEVELS: usize = 11;

/// The bundled Syria theatre map files, by their name in the theatre's `map/` folder.
const BUNDLED: [(&str, &str); 3] = [
    (
        "countries.geojson",
        include_str!("../../../data/theatres/syria/map/countries.geojson"),
    ),
    (
        "admin1.geojson",
        include_str!("../../../data/theatres/syria/map/admin1.geojson"),
    ),
    (
        "places.tsv",
        include_str!("../../../data/theatres/syria/map/places.tsv"),
    ),
];

/// A country of the basemap.
#[derive(Debug, Clone)]
pub struct Country {
    /// Its short English name (Natural Earth `name`).
    pub name: String,
    /// ISO 3166-1 numeric code, where it has one.
    pub iso_n3: Option<String>,
    /// Its outline.
    pub area: MultiPolygon<f64>,
}

/// A first-level administrative area of the theatre (a Syrian governorate).
#[derive(Debug, Clone)]
pub struct Admin1Area {
    /// The canonical English name, as in incidents' `admin1` and the filters.
    pub admin1: String,
    /// The Arabic name.
    pub name_ar: String,
    /// OCHA P-code.
    pub pcode: String,
    /// Its outline.
    pub area: MultiPolygon<f64>,
}

/// What a map name stands for; it sets how the name is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A governorate centre: a dot and its name.
    Capital,
    /// A neighbouring country: a quiet name, no dot.
    Country,
    /// A sea.
    Sea,
}

/// A name drawn on the map, in both languages.
#[derive(Debug, Clone)]
pub struct PlaceLabel {
    /// What it names.
    pub kind: PlaceKind,
    /// The governorate (capitals) or country code it belongs to.
    pub key: String,
    /// English name.
    pub name_en: String,
    /// Arabic name.
    pub name_ar: String,
    /// Where it is drawn (longitude x, latitude y).
    pub at: Point<f64>,
}

impl PlaceLabel {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.name_en,
            Lang::Ar => &self.name_ar,
        }
    }
}

/// The layers at one step of simplification.
#[derive(Debug)]
pub(crate) struct Simplified {
    pub countries: Vec<MultiPolygon<f64>>,
    pub admin1: Vec<MultiPolygon<f64>>,
}

/// The theatre's basemap, read once and shared by every render.
#[derive(Debug)]
pub struct Basemap {
    countries: Vec<Country>,
    admin1: Vec<Admin1Area>,
    places: Vec<PlaceLabel>,
    bounds: Rect<f64>,
    levels: [OnceLock<Simplified>; LEVELS],
}

impl Basemap {
    /// The Syria theatre map compiled into hudna, read on first use.
    pub fn bundled() -> Result<&'static Basemap, MapError> {
        static BUNDLED_MAP: OnceLock<Result<Basemap, MapError>> = OnceLock::new();
        BUNDLED_MAP
            .get_or_init(|| {
                Basemap::from_sources(
                    ("bundled syria/map/countries.geojson", BUNDLED[0].1),
                    ("bundled syria/map/admin1.geojson", BUNDLED[1].1),
                    ("bundled syria/map/places.tsv", BUNDLED[2].1),
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads a theatre's map from its folder (`data/theatres/<name>`): `map/countries.geojson`,
    /// `map/admin1.geojson` and `map/places.tsv`.
    pub fn from_theatre_dir(dir: &Path) -> Result<Basemap, MapError> {
        let read = |name: &str| {
            let path = dir.join("map").join(name);
            std::fs::read_to_string(&path)
                .map(|t| (path.display().to_string(), t))
                .map_err(|e| MapError::Io {
                    file: path.display().to_string(),
                    reason: e.to_string(),
                })
        };
        let (cf, ct) = read("countries.geojson")?;
        let (af, at) = read("admin1.geojson")?;
        let (pf, pt) = read("places.tsv")?;
        Basemap::from_sources((&cf, &ct), (&af, &at), (&pf, &pt))
    }

    /// Builds a basemap from the texts of its three files, each given with the name to use
    /// in errors.
    pub fn from_sources(
        countries: (&str, &str),
        admin1: (&str, &str),
        places: (&str, &str),
    ) -> Result<Basemap, MapError> {
        let countries_v = crate::geojson::read_areas(countries.0, countries.1)?
            .into_iter()
            .map(|(props, area)| Country {
                name: crate::geojson::prop_str(&props, "name")
                    .unwrap_or_default()
                    .to_string(),
                iso_n3: crate::geojson::prop_str(&props, "iso_n3").map(str::to_string),
                area,
            })
            .collect();
        let mut admin1_v = Vec::new();
        for (i, (props, area)) in crate::geojson::read_areas(admin1.0, admin1.1)?
            .into_iter()
            .enumerate()
        {
            let need = |key: &str| {
                crate::geojson::prop_str(&props, key)
                    .map(str::to_string)
                    .ok_or_else(|| MapError::Data {
                        file: admin1.0.to_string(),
                        reason: format!("feature {i}: property `{key}` is missing"),
                    })
            };
            admin1_v.push(Admin1Area {
                admin1: need("admin1")?,
                name_ar: need("name_ar")?,
                pcode: crate::geojson::prop_str(&props, "pcode")
                    .unwrap_or_default()
                    .to_string(),
                area,
            });
        }
        if admin1_v.is_empty() {
            return Err(MapError::Data {
                file: admin1.0.to_string(),
                reason: "no administrative areas".to_string(),
            });
        }
        let places_v = read_places(places.0, places.1)?;
        let mut bounds: Option<Rect<f64>> = None;
        for a in &admin1_v {
            if let Some(r) = a.area.bounding_rect() {
                bounds = Some(match bounds {
                    None => r,
                    Some(b) => union(b, r),
                });
            }
        }
        let bounds = bounds.ok_or_else(|| MapError::Data {
            file: admin1.0.to_string(),
            reason: "the areas have no points".to_string(),
        })?;
        Ok(Basemap {
            countries: countries_v,
            admin1: admin1_v,
            places: places_v,
            bounds,
            levels: Default::default(),
        })
    }

    /// The area of the theatre (the union of its administrative areas): the default view.
    pub fn bounds(&self) -> Rect<f64> {
        self.bounds
    }

    /// The countries, in file order.
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// The first-level administrative areas, in file order.
    pub fn admin1_areas(&self) -> &[Admin1Area] {
        &self.admin1
    }

    /// The names drawn on the map.
    pub fn places(&self) -> &[PlaceLabel] {
        &self.places
    }

    /// The name of a first-level area (`admin1` spelling) in `lang`: the English name is the
    /// canonical spelling itself.
    pub fn admin1_name(&self, admin1: &str, lang: Lang) -> Option<&str> {
        self.admin1
            .iter()
            .find(|a| a.admin1 == admin1)
            .map(|a| match lang {
                Lang::En => a.admin1.as_str(),
                Lang::Ar => a.name_ar.as_str(),
            })
    }

    /// The layers simplified with the largest tolerance not above `tolerance_deg`.
    pub(crate) fn simplified(&self, tolerance_deg: f64) -> &Simplified {
        let mut level = 0;
        for i in 0..LEVELS {
            if BASE_TOLERANCE * f64::from(1u32 << i) <= tolerance_deg {
                level = i;
            }
        }
        self.levels[level].get_or_init(|| {
            let eps = BASE_TOLERANCE * f64::from(1u32 << level);
            Simplified {
                countries: self
                    .countries
                    .iter()
                    .map(|c| c.area.simplify(eps))
                    .collect(),
                admin1: self.admin1.iter().map(|a| a.area.simplify(eps)).collect(),
            }
        })
    }
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

/// Reads `places.tsv`: `kind, key, name_en, name_ar, lat, lon`.
fn read_places(file: &str, text: &str) -> Result<Vec<PlaceLabel>, MapError> {
    let err = |line: usize, reason: String| MapError::Tsv {
        file: file.to_string(),
        line,
        reason,
    };
    let mut out = Vec::new();
    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if !header_seen {
            if cells != ["kind", "key", "name_en", "name_ar", "lat", "lon"] {
                return Err(err(
                    n,
                    "the header must be kind, key, name_en, name_ar, lat, lon".into(),
                ));
            }
            header_seen = true;
            continue;
        }
        if cells.len() != 6 {
            return Err(err(n, format!("{} fields, expected 6", cells.len())));
        }
        let kind = match cells[0] {
            "capital" => PlaceKind::Capital,
            "country" => PlaceKind::Country,
            "sea" => PlaceKind::Sea,
            k => {
                return Err(err(
                    n,
                    format!("kind `{k}`: expected capital, country or sea"),
                ))
            }
        };
        let num = |col: usize, name: &str, lim: f64| -> Result<f64, MapError> {
            match cells[col].trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= lim => Ok(v),
                _ => Err(err(
                    n,
                    format!("{name} `{}` is not a number within ±{lim}", cells[col]),
                )),
            }
        };
        let lat = num(4, "lat", 90.0)?;
        let lon = num(5, "lon", 180.0)?;
        for (col, name) in [(2, "name_en"), (3, "name_ar")] {
            if cells[col].trim().is_empty() {
                return Err(err(n, format!("{name} is empty")));
            }
        }
        out.push(PlaceLabel {
            kind,
            key: cells[1].trim().to_string(),
            name_en: cells[2].trim().to_string(),
            name_ar: cells[3].trim().to_string(),
            at: Point::new(lon, lat),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::CoordsIter;

    #[test]
    fn bundled_syria_map_reads() {
        let m = Basemap::bundled().unwrap();
        assert_eq!(m.admin1_areas().len(), 14);
        assert_eq!(m.countries().len(), 12);
        let b = m.bounds();
        assert!((35.5..36.0).contains(&b.min().x) && (42.0..42.6).contains(&b.max().x));
        assert!((32.2..32.5).contains(&b.min().y) && (37.2..37.5).contains(&b.max().y));
        assert_eq!(m.admin1_name("Idlib", Lang::Ar), Some("إدلب"));
        assert_eq!(m.admin1_name("Idlib", Lang::En), Some("Idlib"));
        let capitals = m
            .places()
            .iter()
            .filter(|p| p.kind == PlaceKind::Capital)
            .count();
        assert_eq!(capitals, 13);
        // Every capital's governorate is one of the areas.
        for p in m.places().iter().filter(|p| p.kind == PlaceKind::Capital) {
            assert!(m.admin1_name(&p.key, Lang::En).is_some(), "{}", p.key);
        }
    }

    #[test]
    fn simplification_shrinks_and_is_cached() {
        let m = Basemap::bundled().unwrap();
        let full: usize = m.admin1_areas().iter().map(|a| a.area.coords_count()).sum();
        let fine: usize = m
            .simplified(0.0)
            .admin1
            .iter()
            .map(|a| a.coords_count())
            .sum();
        let coarse: usize = m
            .simplified(0.01)
            .admin1
            .iter()
            .map(|a| a.coords_count())
            .sum();
        assert!(fine < full && coarse < fine / 3, "{full} {fine} {coarse}");
        assert!(std::ptr::eq(m.simplified(0.01), m.simplified(0.011)));
    }

    #[test]
    fn bad_places_name_the_line() {
        let head = "kind\tkey\tname_en\tname_ar\tlat\tlon\n";
        for (body, reason) in [
            ("town\tx\tA\tأ\t35\t36\n", "kind `town`"),
            ("capital\tx\tA\tأ\t95\t36\n", "lat `95`"),
            ("capital\tx\tA\tأ\t35\n", "5 fields"),
            ("capital\tx\t\tأ\t35\t36\n", "name_en is empty"),
        ] {
            let e = read_places("p.tsv", &format!("{head}{body}")).unwrap_err();
            assert!(e.to_string().starts_with("p.tsv:2:"), "{e}");
            assert!(e.to_string().contains(reason), "{e}");
        }
    }
}
