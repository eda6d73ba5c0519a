//! The places of a theatre and how to tell namesakes apart.
//!
//! A theatre's gazetteer is one or more TSV files with the columns of the GeoNames-derived
//! Syria file (`id, name_en, name_ar, alt_names, lat, lon, admin1, admin2, feature_code,
//! population, source`), plus the OCHA administrative units for governorate names. Files are
//! read into [`Gazetteer`], which hands every spelling of every place to the text matcher
//! ([`Gazetteer::names`]) and answers the questions the extractor asks once a name is found:
//! which governorate, how precise, how far from another place.
//!
//! Names repeat: Syria has several villages called الحامدية or تل الورد. [`Gazetteer::choose`]
//! picks among namesakes using what the article says around them: the governorate it names,
//! the other places it names, and how prominent each candidate is.

use std::collections::HashMap;

mod tsv;

pub use tsv::TsvError;

/// Index of a place in a [`Gazetteer`].
pub type PlaceId = u32;

/// Index of a first-level unit (governorate, or a neighbouring country's province).
pub type Admin1Id = u16;

/// What kind of place a row is, from its GeoNames feature code. Decides precision and how
/// willing the extractor is to read a bare name as a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceKind {
    /// A country (only the neighbours and Syria itself).
    Country,
    /// A governorate or foreign province.
    Admin1,
    /// The capital or a governorate seat.
    MajorCity,
    /// A district or sub-district seat.
    Town,
    /// A village, hamlet or locality.
    Village,
    /// An abandoned place.
    Abandoned,
    /// A quarter of a city.
    Neighbourhood,
    /// A region, plain, valley or desert.
    Region,
    /// A mountain, range or hill.
    Mountain,
    /// An airport, base, crossing, camp or oil field.
    Site,
}

impl PlaceKind {
    fn from_feature_code(code: &str) -> PlaceKind {
        match code {
            "PCLI" | "PCL" => PlaceKind::Country,
            "ADM1" => PlaceKind::Admin1,
            "PPLC" | "PPLA" => PlaceKind::MajorCity,
            "PPLA2" | "PPLA3" => PlaceKind::Town,
            "PPLQ" => PlaceKind::Abandoned,
            "PPLX" => PlaceKind::Neighbourhood,
            "AREA" | "RGN" | "PLN" | "VAL" | "DSRT" | "PLAT" => PlaceKind::Region,
            "MT" | "MTS" | "HLL" | "HLLS" | "PK" => PlaceKind::Mountain,
            "AIRP" | "AIRB" | "AIRF" | "MILB" | "PSTB" | "CMP" | "CMPRF" | "OILF" | "INSM" => {
                PlaceKind::Site
            }
            _ => PlaceKind::Village,
        }
    }

    /// Whether a name of this kind may be read as a place without a word such as "قرية"
    /// or "in" in front of it. Villages share their names with too many common words.
    pub fn stands_alone(self) -> bool {
        !matches!(self, PlaceKind::Village | PlaceKind::Abandoned)
    }
}

/// One place.
#[derive(Debug, Clone)]
pub struct Place {
    /// Stable identifier (`geonames:…`, `hudna:…`).
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Arabic name (may be empty).
    pub name_ar: String,
    /// Latitude, WGS84.
    pub lat: f64,
    /// Longitude, WGS84.
    pub lon: f64,
    /// Governorate (or foreign province); `None` for a country.
    pub admin1: Option<Admin1Id>,
    /// District, when known.
    pub admin2: Option<String>,
    /// Kind of place.
    pub kind: PlaceKind,
    /// Population, when known.
    pub population: Option<u32>,
}

/// A gazetteer: places and their names; see the crate documentation.
#[derive(Debug, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    /// Every spelling: (name as written in the file, place).
    names: Vec<(String, PlaceId)>,
    admin1: Vec<String>,
    admin1_index: HashMap<String, Admin1Id>,
    /// Seat or centroid of each admin1, when known.
    admin1_place: HashMap<Admin1Id, PlaceId>,
    /// Number of admin1 units that belong to the theatre's own country.
    home_admin1: usize,
}

/// A file given to the gazetteer: a name for error messages and its text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// File name, for error messages.
    pub name: &'a str,
    /// The file's contents.
    pub text: &'a str,
}

impl Gazetteer {
    /// Builds a gazetteer from an OCHA-style administrative units file (its level-1 rows
    /// are the theatre's own governorates, in file order, and give their names) and places
    /// files. Governorates of places abroad are added as they are met.
    pub fn load(
        admin_units: Option<Source<'_>>,
        places: &[Source<'_>],
    ) -> Result<Gazetteer, TsvError> {
        Gazetteer::load_with_aliases(admin_units, places, None)
    }

    /// As [`Gazetteer::load`], adding other names of places already loaded from an
    /// aliases file (`id, alias, note`): Kurdish names, common short forms.
    pub fn load_with_aliases(
        admin_units: Option<Source<'_>>,
        places: &[Source<'_>],
        aliases: Option<Source<'_>>,
    ) -> Result<Gazetteer, TsvError> {
        let mut g = Gazetteer::default();
        let units = match admin_units {
            Some(src) => Some(tsv::read_admin1_names(&mut g, src)?),
            None => None,
        };
        g.home_admin1 = g.admin1.len();
        for src in places {
            tsv::read_places(&mut g, *src)?;
        }
        if let Some(rows) = units {
            tsv::add_admin1_places(&mut g, rows);
        }
        if let Some(src) = aliases {
            tsv::read_aliases(&mut g, src)?;
        }
        Ok(g)
    }

    fn admin1_id(&mut self, name: &str) -> Admin1Id {
        if let Some(&id) = self.admin1_index.get(name) {
            return id;
        }
        let id = self.admin1.len() as Admin1Id;
        self.admin1.push(name.to_string());
        self.admin1_index.insert(name.to_string(), id);
        id
    }

    fn push_place(&mut self, place: Place, names: impl IntoIterator<Item = String>) -> PlaceId {
        let id = self.places.len() as PlaceId;
        if place.kind == PlaceKind::MajorCity {
            if let Some(a) = place.admin1 {
                self.admin1_place.entry(a).or_insert(id);
            }
        }
        self.places.push(place);
        for n in names {
            if !n.trim().is_empty() {
                self.names.push((n, id));
            }
        }
        id
    }

    /// Adds the other way of writing names that start with a word often joined to the rest
    /// ("كفر نبودة" is also written "كفرنبودة", and "كفرنبل" also "كفر نبل"). `heads` are
    /// such first words, as written in the files (for Syria: كفر، دير، عين، تل، بيت). The
    /// rest must keep at least three letters and not start with the article ("دير الزور" is
    /// never written joined). Returns the number of spellings added.
    pub fn add_joined_forms(&mut self, heads: &[String]) -> usize {
        let mut known: std::collections::HashSet<(String, PlaceId)> =
            self.names.iter().cloned().collect();
        let mut added = Vec::new();
        for (name, id) in &self.names {
            let name = name.trim();
            for head in heads {
                let Some(rest) = name.strip_prefix(head.as_str()) else {
                    continue;
                };
                let (spaced, bare) = match rest.strip_prefix(' ') {
                    Some(r) => (true, r.trim_start()),
                    None => (false, rest),
                };
                let letters = bare.chars().filter(|c| c.is_alphabetic()).count();
                if letters < 3
                    || bare.contains(' ')
                    || bare.starts_with("ال")
                    || !bare.starts_with(|c: char| c.is_alphabetic())
                {
                    continue;
                }
                let other = if spaced {
                    format!("{head}{bare}")
                } else {
                    format!("{head} {bare}")
                };
                if known.insert((other.clone(), *id)) {
                    added.push((other, *id));
                }
            }
        }
        let n = added.len();
        self.names.extend(added);
        n
    }

    /// The place with this id.
    pub fn place(&self, id: PlaceId) -> &Place {
        &self.places[id as usize]
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// True when there are no places.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Every spelling of every place, for building a matcher.
    pub fn names(&self) -> impl Iterator<Item = (&str, PlaceId)> {
        self.names.iter().map(|(n, id)| (n.as_str(), *id))
    }

    /// English name of a first-level unit.
    pub fn admin1_name(&self, id: Admin1Id) -> &str {
        &self.admin1[id as usize]
    }

    /// Every first-level unit's English name, the theatre's own first (for checking names
    /// that users type).
    pub fn admin1_names(&self) -> impl Iterator<Item = &str> {
        self.admin1.iter().map(String::as_str)
    }

    /// Id of a first-level unit by English name.
    pub fn admin1_by_name(&self, name: &str) -> Option<Admin1Id> {
        self.admin1_index.get(name).copied()
    }

    /// Whether a first-level unit belongs to the theatre's own country.
    pub fn is_home(&self, id: Admin1Id) -> bool {
        (id as usize) < self.home_admin1
    }

    /// The seat (or a representative place) of a first-level unit.
    pub fn admin1_seat(&self, id: Admin1Id) -> Option<PlaceId> {
        self.admin1_place.get(&id).copied()
    }

    /// Chooses among namesakes. `context` holds the governorates the article names near the
    /// mention (strongest first) and `near` the points of places already placed in the
    /// article. Returns the best candidate.
    pub fn choose(&self, candidates: &[PlaceId], context: &Context<'_>) -> Option<PlaceId> {
        if candidates.len() == 1 {
            return Some(candidates[0]);
        }
        candidates.iter().copied().max_by(|&a, &b| {
            let (sa, sb) = (self.score(a, context), self.score(b, context));
            sa.partial_cmp(&sb)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.cmp(&a))
        })
    }

    fn score(&self, id: PlaceId, context: &Context<'_>) -> f64 {
        let p = self.place(id);
        let mut s = match p.kind {
            PlaceKind::Country => 2.5,
            PlaceKind::MajorCity => 3.0,
            PlaceKind::Admin1 => 2.0,
            PlaceKind::Town => 2.0,
            PlaceKind::Neighbourhood => 1.0,
            PlaceKind::Site | PlaceKind::Region | PlaceKind::Mountain => 1.2,
            PlaceKind::Village => 0.5,
            PlaceKind::Abandoned => 0.0,
        };
        if let Some(pop) = p.population {
            s += (pop as f64).log10() / 10.0;
        }
        if let Some(a) = p.admin1 {
            if let Some(rank) = context.admin1.iter().position(|&c| c == a) {
                s += 6.0 - rank.min(4) as f64;
            } else if !context.admin1.is_empty() && !self.is_home(a) {
                s -= 1.0;
            }
            if p.kind == PlaceKind::Neighbourhood {
                // A neighbourhood only makes sense in its city.
                if !context.admin1.is_empty() && !context.admin1.contains(&a) {
                    s -= 3.0;
                }
            }
        }
        if !context.near.is_empty() {
            let d = context
                .near
                .iter()
                .map(|&(lat, lon)| approx_km(p.lat, p.lon, lat, lon))
                .fold(f64::INFINITY, f64::min);
            // Within 30 km of a place already named: strong evidence; beyond 150 km: none.
            s += (3.0 * (1.0 - (d / 150.0))).max(0.0);
        }
        s
    }

    /// Nearest place of the given kinds to a point, with its distance in km.
    pub fn nearest(&self, lat: f64, lon: f64, kinds: &[PlaceKind]) -> Option<(PlaceId, f64)> {
        self.places
            .iter()
            .enumerate()
            .filter(|(_, p)| kinds.contains(&p.kind))
            .map(|(i, p)| (i as PlaceId, haversine_km(lat, lon, p.lat, p.lon)))
            .min_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal))
    }
}

/// What the article says around a place name; see [`Gazetteer::choose`].
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// Governorates named near the mention, strongest first.
    pub admin1: Vec<Admin1Id>,
    /// Points of places already placed in the article.
    pub near: &'a [(f64, f64)],
}

/// Distance in km on an equirectangular projection: within a few hundred km, as good as
/// great-circle distance for ranking, and much cheaper.
pub fn approx_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let k = 111.195;
    let x = (lon2 - lon1) * ((lat1 + lat2) * 0.5).to_radians().cos();
    let y = lat2 - lat1;
    k * (x * x + y * y).sqrt()
}

/// Great-circle distance in km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0088 * 2.0 * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNITS: &str =
        "level\tpcode\tname_en\tname_ar\tadmin1\tadmin2\tparent_pcode\tlat\tlon\taliases
1\tSY02\tAleppo\tحلب\tAleppo\t\t\t36.25\t37.6\tمحافظة حلب
1\tSY07\tIdlib\tإدلب\tIdlib\t\t\t35.8\t36.6\tمحافظة إدلب
1\tSY05\tHama\tحماة\tHama\t\t\t35.2\t36.9\t
1\tSY03\tRural Damascus\tريف دمشق\tRural Damascus\t\t\t33.5\t36.6\t
";

    fn units() -> Option<Source<'static>> {
        Some(Source {
            name: "units.tsv",
            text: UNITS,
        })
    }

    const PLACES: &str = "id\tname_en\tname_ar\talt_names\tlat\tlon\tadmin1\tadmin2\tfeature_code\tpopulation\tsource
t:1\tAleppo\tحلب\tHalab\t36.2\t37.16\tAleppo\tJebel Saman\tPPLA\t2000000\ttest
t:2\tAl Hamidiyah\tالحامدية\t\t35.9\t36.7\tIdlib\tAl Ma'ra\tPPL\t\ttest
t:3\tAl Hamidiyah\tالحامدية\t\t35.1\t36.6\tHama\tHama\tPPL\t\ttest
t:4\tIdlib\tإدلب\tIdleb\t35.93\t36.63\tIdlib\tIdleb\tPPLA\t\ttest
";

    fn gaz() -> Gazetteer {
        Gazetteer::load(
            units(),
            &[Source {
                name: "places.tsv",
                text: PLACES,
            }],
        )
        .unwrap()
    }

    #[test]
    fn names_include_every_spelling() {
        let g = gaz();
        let names: Vec<&str> = g.names().map(|(n, _)| n).collect();
        assert!(names.contains(&"حلب") && names.contains(&"Halab") && names.contains(&"Idleb"));
    }

    #[test]
    fn namesakes_are_told_apart_by_the_governorate_the_article_names() {
        let g = gaz();
        let idlib = g.admin1_by_name("Idlib").unwrap();
        let hama = g.admin1_by_name("Hama").unwrap();
        let c = Context {
            admin1: vec![hama],
            near: &[],
        };
        assert_eq!(g.place(g.choose(&[1, 2], &c).unwrap()).admin1, Some(hama));
        let c = Context {
            admin1: vec![idlib],
            near: &[],
        };
        assert_eq!(g.place(g.choose(&[1, 2], &c).unwrap()).admin1, Some(idlib));
    }

    #[test]
    fn namesakes_are_told_apart_by_nearby_places() {
        let g = gaz();
        // Near Idlib city, the Idlib namesake wins.
        let c = Context {
            admin1: vec![],
            near: &[(35.93, 36.63)],
        };
        assert_eq!(g.choose(&[1, 2], &c), Some(1));
    }

    #[test]
    fn governorates_are_named_by_their_own_spellings_only() {
        let g = gaz();
        let names: Vec<(&str, PlaceId)> = g.names().collect();
        // "ريف دمشق" names the governorate; "حلب" stays the city only.
        assert!(names
            .iter()
            .any(|(n, id)| *n == "ريف دمشق" && g.place(*id).kind == PlaceKind::Admin1));
        assert!(names
            .iter()
            .any(|(n, id)| *n == "محافظة حلب" && g.place(*id).kind == PlaceKind::Admin1));
        assert!(!names
            .iter()
            .any(|(n, id)| *n == "حلب" && g.place(*id).kind == PlaceKind::Admin1));
        let aleppo = g.admin1_by_name("Aleppo").unwrap();
        assert!(g.is_home(aleppo));
        assert_eq!(g.place(g.admin1_seat(aleppo).unwrap()).name_en, "Aleppo");
    }

    #[test]
    fn aliases_add_names_and_unknown_ids_are_errors() {
        let aliases = "id\talias\tnote\nt:1\tHaleb\tshort form\n";
        let g = Gazetteer::load_with_aliases(
            units(),
            &[Source {
                name: "places.tsv",
                text: PLACES,
            }],
            Some(Source {
                name: "aliases.tsv",
                text: aliases,
            }),
        )
        .unwrap();
        assert!(g
            .names()
            .any(|(n, id)| n == "Haleb" && g.place(id).name_en == "Aleppo"));
        let bad = "id\talias\tnote\nt:404\tNowhere\t\n";
        let err = Gazetteer::load_with_aliases(
            units(),
            &[Source {
                name: "places.tsv",
                text: PLACES,
            }],
            Some(Source {
                name: "aliases.tsv",
                text: bad,
            }),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "aliases.tsv:2: field `id`: no place `t:404`"
        );
    }

    #[test]
    fn names_with_a_joinable_first_word_are_found_both_ways() {
        let places = "id\tname_en\tname_ar\talt_names\tlat\tlon\tadmin1\tadmin2\tfeature_code\tpopulation\tsource
t:1\tKafr Nabudah\tكفر نبودة\t\t35.43\t36.49\tHama\t\tPPL\t\ttest
t:2\tKafr Nabl\tكفرنبل\t\t35.61\t36.56\tIdlib\t\tPPL\t\ttest
t:3\tDeir ez-Zor\tدير الزور\t\t35.33\t40.14\tDeir-ez-Zor\t\tPPLA\t\ttest
";
        let mut g = Gazetteer::load(
            units(),
            &[Source {
                name: "places.tsv",
                text: places,
            }],
        )
        .unwrap();
        let added = g.add_joined_forms(&["كفر".to_string(), "دير".to_string()]);
        let names: Vec<(&str, PlaceId)> = g.names().collect();
        assert!(names.contains(&("كفرنبودة", 0)), "{names:?}");
        assert!(names.contains(&("كفر نبل", 1)), "{names:?}");
        // The article is never joined: no "ديرالزور".
        assert!(!names.iter().any(|(n, _)| *n == "ديرالزور"));
        assert_eq!(added, 2);
        // Adding again changes nothing.
        assert_eq!(g.add_joined_forms(&["كفر".to_string()]), 0);
    }

    #[test]
    fn distances_are_great_circle() {
        let d = haversine_km(36.2, 37.16, 35.93, 36.63);
        assert!((d - 56.0).abs() < 3.0, "{d}");
        let a = approx_km(36.2, 37.16, 35.93, 36.63);
        assert!((a - d).abs() < 0.5, "{a} vs {d}");
    }

    #[test]
    fn bad_rows_name_file_line_and_field() {
        let bad = "id\tname_en\tname_ar\talt_names\tlat\tlon\tadmin1\tadmin2\tfeature_code\tpopulation\tsource\nx\tX\tس\t\tnorth\t36\tAleppo\t\tPPL\t\t\n";
        let err = Gazetteer::load(
            units(),
            &[Source {
                name: "p.tsv",
                text: bad,
            }],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.tsv:2: field `lat`: `north` is not a number"
        );
    }
}
