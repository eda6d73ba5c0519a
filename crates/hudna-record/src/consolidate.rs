//! Consolidation: which mentions report the same event, and what the record says of it.
//!
//! Two mentions can be the same event when they have the same type, the same place (same
//! name, fine points within [`NEAR_KM`], or coarse places at one gazetteer point named in
//! Arabic and in English — the same mountain or city), days that meet, and perpetrators that could be
//! confused (the same, one unknown, or actors that share a side). Days meet when two known
//! days are at most one apart; a mention that gives no day is dated by its article's
//! publication day and the [`REPORTED_BEFORE`] days before it, so it only meets the days
//! around that (see [`days_of`]). Reports blaming opposing sides are one event only when that
//! is very likely — and the incident is then `contested` — see [`same_event_across_sides`].
//!
//! The record must not depend on the order reports arrive in, nor on where a crashed run
//! stopped. So the incidents are a function of the *set* of mentions:
//! - mentions are grouped into *blocks*: the connected groups of the relation above (kept
//!   with a union-find whose labels are internal; the partition itself is order-free);
//! - within a block, mentions are taken in a fixed order — dated first, finer places first,
//!   earlier days first, then by id — and each joins the first incident whose seed it matches and which holds
//!   nothing yet from its own article, or seeds a new one. Comparing with the seed only keeps
//!   a month of daily shelling of one town from chaining into one incident;
//! - an incident's row id is its seed mention's id, and its fields are votes over its sources;
//! - its *public* id — the one exports, findings and links use — is given once and kept: the
//!   seed's id when the incident first appears, then passed on to whichever incident takes
//!   the largest share of its reports when its block is recomputed (see
//!   [`successor_public_ids`]). The row id may follow a new seed; the public id does not;
//! - an incident no source gives a day is dated by the earliest publication day of its
//!   sources (`reported`): it happened on that day or in the three days before.
//!
//! When new mentions arrive, only the blocks they touch are recomputed, from scratch.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use hudna_core::{GeoPrecision, Grade, Incident, IncidentType, Target};
use hudna_store::{ClusterMention, DatePrecision, DayWindow, IncidentRecord, Spot};

use crate::minhash::{normalise, stable_id};

/// Points closer than this are the same place.
pub const NEAR_KM: f64 = 5.0;

/// Which actors are on the same side, so that sources naming one or the other may be
/// reporting one event (a strike that one outlet gives to the Syrian air force and another to
/// Russia's). Read from the theatre's `sides.tsv` (`code<TAB>side`); an actor listed on
/// several lines is on each of those sides (factions that fight in two campaigns).
#[derive(Debug, Clone, Default)]
pub struct Sides {
    sides: HashMap<String, BTreeSet<String>>,
}

impl Sides {
    /// Parses `code<TAB>side` lines; `#` comments and a `code side` header are skipped.
    pub fn from_tsv(text: &str) -> Result<Sides, String> {
        let mut sides: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cells = line.split('\t');
            let (Some(code), Some(s)) = (cells.next(), cells.next()) else {
                return Err(format!("line {}: expected `code<TAB>side`", i + 1));
            };
            if code == "code" {
                continue;
            }
            let (code, s) = (code.trim(), s.trim());
            if code.is_empty() || s.is_empty() {
                return Err(format!("line {}: empty actor code or side", i + 1));
            }
            sides
                .entry(code.to_string())
                .or_default()
                .insert(s.to_string());
        }
        Ok(Sides { sides })
    }

    /// Whether two attributions can describe one event: the same actor, an unknown one, or
    /// actors that share a side. Actors without a listed side are compatible with everyone:
    /// the record keeps the disagreement rather than guess.
    pub fn compatible(&self, a: &str, b: &str) -> bool {
        if a == b || a == UNKNOWN || b == UNKNOWN {
            return true;
        }
        match (self.sides.get(a), self.sides.get(b)) {
            (Some(x), Some(y)) => !x.is_disjoint(y),
            _ => true,
        }
    }
}

/// The actor code of an unattributed event.
pub const UNKNOWN: &str = "UNKNOWN";

/// The spot of a mention: its consolidation key, with an id derived from it. `published` is
/// the publication day of the mention's article: a mention that gives no day of its own is
/// dated by it.
pub fn spot_of(i: &Incident, published: Option<NaiveDate>) -> Spot {
    // Compound names are written with and without their space (كفر صفرة, كفرصفرة).
    let place_key = i
        .place
        .as_deref()
        .map(|p| normalise(p).replace(' ', ""))
        .unwrap_or_default();
    let date = i.date.map(|d| d.format("%Y-%m-%d").to_string());
    let reported = if i.date.is_none() { published } else { None };
    let coord = |v: Option<f64>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
    let reported_text = reported.map(|d| d.format("%Y-%m-%d").to_string());
    let mut parts: Vec<&[u8]> = vec![
        b"spot",
        i.kind.as_str().as_bytes(),
        date.as_deref().unwrap_or("").as_bytes(),
    ];
    let (key, admin1, lat, lon) = (
        place_key.as_bytes(),
        i.admin1.as_deref().unwrap_or("").as_bytes(),
        coord(i.lat),
        coord(i.lon),
    );
    parts.extend([key, admin1, lat.as_bytes(), lon.as_bytes()]);
    parts.push(i.geo_precision.map_or("", GeoPrecision::as_str).as_bytes());
    parts.push(i.perpetrator.as_bytes());
    // Only undated spots carry a publication day; dated ones keep the ids they always had.
    if let Some(r) = &reported_text {
        parts.push(r.as_bytes());
    }
    let id = stable_id(&parts);
    Spot {
        id,
        kind: i.kind,
        date: i.date,
        reported,
        place_key,
        admin1: i.admin1.clone(),
        lat: i.lat,
        lon: i.lon,
        precision: i.geo_precision,
        perpetrator: i.perpetrator.clone(),
        block: id,
    }
}

/// A report dated only by its publication day describes an event of that day or of the
/// days just before (a dispatch of the evening, a round-up of the next morning).
pub const REPORTED_BEFORE: u64 = 3;

/// How many days two reports of one event may disagree by.
pub const DAY_SLACK: u64 = 1;

/// Reports blaming opposing sides are one event only when their points are this close (see
/// [`same_event_across_sides`]): the same gazetteer place, or two names for one spot.
pub const ACROSS_SIDES_KM: f64 = 1.0;

/// The days a spot's event can have happened on: its day; for a report dated only by its
/// publication day, that day and the [`REPORTED_BEFORE`] before; `None` when nothing dates it.
pub fn days_of(s: &Spot) -> Option<(NaiveDate, NaiveDate)> {
    match (s.date, s.reported) {
        (Some(d), _) => Some((d, d)),
        (None, Some(p)) => Some((minus(p, REPORTED_BEFORE), p)),
        (None, None) => None,
    }
}

fn minus(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(d)
}

fn plus(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

/// Whether two spots' days can be one event's: their ranges ([`days_of`]) meet within
/// [`DAY_SLACK`]. Two known days are at most one apart; a day and a publication day `p` need
/// the day within `p - 4 ..= p + 1`.
fn days_compatible(a: &Spot, b: &Spot) -> bool {
    match (days_of(a), days_of(b)) {
        (Some((a0, a1)), Some((b0, b1))) => a0 <= plus(b1, DAY_SLACK) && b0 <= plus(a1, DAY_SLACK),
        _ => true,
    }
}

/// The days a neighbour search for `s` must cover: every spot whose days are compatible with
/// `s`'s (days that meet). `None`: `s` can be any day, so can its neighbours.
pub fn day_window(s: &Spot) -> Option<DayWindow> {
    let (lo, hi) = days_of(s)?;
    let (lo, hi) = (minus(lo, DAY_SLACK), plus(hi, DAY_SLACK));
    Some(DayWindow {
        dated: (lo, hi),
        // A publication day `p` covers `p - REPORTED_BEFORE ..= p`.
        reported: (lo, plus(hi, REPORTED_BEFORE)),
    })
}

/// Finer places rank lower.
fn precision_rank(p: Option<GeoPrecision>, has_point: bool) -> u8 {
    match p {
        Some(GeoPrecision::Point) => 0,
        Some(GeoPrecision::Locality) => 1,
        None if has_point => 1,
        Some(GeoPrecision::District) => 2,
        Some(GeoPrecision::Admin1) => 3,
        None => 4,
        Some(GeoPrecision::Country) => 5,
    }
}

fn fine(s: &Spot) -> bool {
    s.lat.is_some() && s.lon.is_some() && precision_rank(s.precision, true) <= 1
}

/// Whether two spots can be one event (see the module documentation): same type, days
/// that meet, the same place, and attributions that can be confused — or, for reports that
/// blame opposing sides, the narrower test of [`same_event_across_sides`].
pub fn compatible(a: &Spot, b: &Spot, sides: &Sides) -> bool {
    if a.kind != b.kind || !days_compatible(a, b) {
        return false;
    }
    if !sides.compatible(&a.perpetrator, &b.perpetrator) {
        return same_event_across_sides(a, b);
    }
    same_place(a, b)
}

/// Whether reports that blame actors of opposing sides are, all the same, very likely one
/// event whose attribution is disputed (an aid convoy that one side's media give to the other
/// side's aircraft, and the other side to a fire or to rebel shelling): same type, and not a
/// clash (a clash involves both sides by nature, so two sides named are not a dispute); both
/// days known and equal (a publication day is too loose); and the same spot: fine points
/// within [`ACROSS_SIDES_KM`], not the looser radius of reports that agree.
pub fn same_event_across_sides(a: &Spot, b: &Spot) -> bool {
    if a.kind != b.kind || a.kind == IncidentType::ArmedClash {
        return false;
    }
    match (a.date, b.date) {
        (Some(x), Some(y)) if x == y => {}
        _ => return false,
    }
    if !(fine(a) && fine(b)) {
        return false;
    }
    match (a.lat, a.lon, b.lat, b.lon) {
        (Some(la), Some(lo), Some(lb), Some(ob)) => {
            hudna_gazetteer::haversine_km(la, lo, lb, ob) <= ACROSS_SIDES_KM
        }
        _ => false,
    }
}

fn same_place(a: &Spot, b: &Spot) -> bool {
    // Only the country: too vague to say two reports are one event.
    if a.precision == Some(GeoPrecision::Country) || b.precision == Some(GeoPrecision::Country) {
        return false;
    }
    if !a.place_key.is_empty() && a.place_key == b.place_key && a.admin1 == b.admin1 {
        return true;
    }
    if fine(a) && fine(b) {
        if let (Some(la), Some(lo), Some(lb), Some(ob)) = (a.lat, a.lon, b.lat, b.lon) {
            return hudna_gazetteer::haversine_km(la, lo, lb, ob) <= NEAR_KM;
        }
    }
    // One gazetteer point named in the two languages ("Jabal Tharda", "جبل ثردة"; "Aleppo",
    // "حلب"): a coarse place, but the same one. Names in one script that differ are other
    // places, even at one point: villages the gazetteer lacks are placed at the point of the
    // town they are near.
    if same_point_place(a)
        && same_point_place(b)
        && a.precision == b.precision
        && arabic(&a.place_key) != arabic(&b.place_key)
    {
        if let (Some(la), Some(lo), Some(lb), Some(ob)) = (a.lat, a.lon, b.lat, b.lon) {
            return hudna_gazetteer::haversine_km(la, lo, lb, ob) <= SAME_POINT_KM;
        }
    }
    false
}

/// How close two coarse places' points must be to be the same place: the points are
/// gazetteer rows, so one place gives one point to within rounding.
pub const SAME_POINT_KM: f64 = 0.05;

/// Whether a place name is written in Arabic script.
fn arabic(name: &str) -> bool {
    name.chars()
        .any(|c| hudna_text::script_of(c) == Some(hudna_text::Script::Arabic))
}

/// A coarse place with a point that stands for one named place (a mountain, a large city,
/// a countryside), not a governorate or the country.
fn same_point_place(s: &Spot) -> bool {
    s.lat.is_some() && s.lon.is_some() && s.precision == Some(GeoPrecision::District)
}

/// The box to search for spots near `s` (`None` when `s` has no point to search around).
pub fn search_box(s: &Spot) -> Option<((f64, f64), (f64, f64))> {
    let km = if fine(s) {
        NEAR_KM
    } else if same_point_place(s) {
        SAME_POINT_KM
    } else {
        return None;
    };
    let (lat, lon) = (s.lat?, s.lon?);
    let dlat = km / 110.5 * 1.01;
    let dlon = km / (111.3 * lat.to_radians().cos().max(0.05)) * 1.01;
    Some(((lat - dlat, lat + dlat), (lon - dlon, lon + dlon)))
}

/// Who a mention's source is, for "nothing twice from one report": the article, or for a
/// structured row its dataset (a dataset's rows are events it already told apart), or the
/// row itself.
pub fn article_key(m: &ClusterMention) -> i64 {
    match (m.article, m.group) {
        (Some(a), _) => a,
        (None, Some(g)) => -1 - g,
        (None, None) => -1 - m.id,
    }
}

/// Independent sources: syndicated copies share a group, a dataset's rows are one source.
pub fn source_key(m: &ClusterMention) -> i64 {
    match (m.article, m.group) {
        (Some(_), Some(g)) => g,
        (None, Some(g)) => -1 - g,
        _ => -1 - m.id,
    }
}

/// The order in which mentions are considered: dated first, finer places first, earlier days
/// first, then by id. The first mention of an incident in this order is its seed and gives it
/// its id; anchoring incidents at their earliest precise report keeps seeds stable as later
/// reports of the same event arrive.
pub fn order_key(m: &ClusterMention) -> OrderKey {
    order_key_of(&m.spot, m.id)
}

/// See [`order_key`].
pub type OrderKey = (bool, u8, Option<chrono::NaiveDate>, i64);

/// [`order_key`] of the mention `id` at `spot`.
pub fn order_key_of(spot: &Spot, id: i64) -> OrderKey {
    (
        spot.date.is_none(),
        precision_rank(spot.precision, spot.lat.is_some()),
        spot.date,
        id,
    )
}

/// Whether `perpetrator` may join an incident whose sources name `known` (known actors)
/// without any dispute across sides: it is unknown or shares a side with each of them. The
/// incremental path ([`crate::Ingester`]) only ever extends incidents this way and leaves
/// disputes across sides to the full pass, which sees every report's spot.
pub fn attribution_fits<'a>(
    perpetrator: &str,
    mut known: impl Iterator<Item = &'a str>,
    sides: &Sides,
) -> bool {
    perpetrator == UNKNOWN || known.all(|k| sides.compatible(perpetrator, k))
}

/// Splits a block's mentions into incidents. Returns clusters of indices into `mentions`,
/// each starting with its seed, in seed order.
///
/// A mention joins the first incident whose seed it matches (type, place, day, perpetrator),
/// which holds nothing yet from its article, and whose attributions it can stand beside: for
/// each report there that names an actor of another side, the two must pass
/// [`same_event_across_sides`] — so an unattributed seed cannot gather actors of opposing
/// sides from a few kilometres around, while a disputed event is one contested incident.
pub fn cluster(mentions: &[ClusterMention], sides: &Sides) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&i| order_key(&mentions[i]));
    struct Open {
        members: Vec<usize>,
        articles: HashSet<i64>,
        /// Each perpetrator named, with the members that name it.
        known: Vec<(String, Vec<usize>)>,
    }
    let mut clusters: Vec<Open> = Vec::new();
    for i in order {
        let m = &mentions[i];
        let key = article_key(m);
        let perp = m.spot.perpetrator.as_str();
        let stands_beside = |(k, by): &(String, Vec<usize>)| {
            sides.compatible(perp, k)
                || by
                    .iter()
                    .all(|&j| same_event_across_sides(&mentions[j].spot, &m.spot))
        };
        let home = clusters.iter().position(|c| {
            !c.articles.contains(&key)
                && compatible(&mentions[c.members[0]].spot, &m.spot, sides)
                && (perp == UNKNOWN || c.known.iter().all(stands_beside))
        });
        let at = home.unwrap_or_else(|| {
            clusters.push(Open {
                members: Vec::new(),
                articles: HashSet::new(),
                known: Vec::new(),
            });
            clusters.len() - 1
        });
        let c = &mut clusters[at];
        c.members.push(i);
        c.articles.insert(key);
        if perp != UNKNOWN {
            match c.known.iter_mut().find(|(k, _)| k == perp) {
                Some((_, by)) => by.push(i),
                None => c.known.push((perp.to_string(), vec![i])),
            }
        }
    }
    clusters.into_iter().map(|c| c.members).collect()
}

/// Vote fields (stored as small integers).
pub const DAY: u8 = 0;
/// Vote field: the perpetrator (known actors only).
pub const PERPETRATOR: u8 = 1;
/// Vote field: the target (known targets only).
pub const TARGET: u8 = 2;
/// Vote field: the side attacked.
pub const TARGET_ACTOR: u8 = 3;
/// Vote field: the source itself (counts independent sources).
pub const SOURCE: u8 = 4;
/// Vote field: the publication day of a source that gives no day of its own.
pub const REPORTED: u8 = 5;

/// What one mention says, as votes (field, value, independent source).
pub fn votes_of(m: &ClusterMention) -> Vec<(u8, String, i64)> {
    let g = source_key(m);
    let mut v = vec![(SOURCE, String::new(), g)];
    match (m.spot.date, m.published) {
        (Some(d), _) => v.push((DAY, d.format("%Y-%m-%d").to_string(), g)),
        (None, Some(p)) => v.push((REPORTED, p.format("%Y-%m-%d").to_string(), g)),
        (None, None) => {}
    }
    if m.spot.perpetrator != UNKNOWN {
        v.push((PERPETRATOR, m.spot.perpetrator.clone(), g));
    }
    if m.target != Target::Unknown {
        v.push((TARGET, m.target.as_str().to_string(), g));
    }
    if let Some(a) = &m.target_actor {
        v.push((TARGET_ACTOR, a.clone(), g));
    }
    v
}

/// Everything an incident's fields are computed from. It can be built from all of the
/// incident's mentions, or from the stored incident and its votes plus the new mentions; both
/// give the same incident.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Seed mention id (the incident's row id).
    pub seed: i64,
    /// The incident's public id (see the module documentation).
    pub public_id: i64,
    /// Type.
    pub kind: hudna_core::IncidentType,
    /// Number of independent sources per (field, value).
    pub counts: BTreeMap<(u8, String), u32>,
    /// Highest toll stated.
    pub killed: Option<u32>,
    /// Highest injured stated.
    pub injured: Option<u32>,
    /// Any source says the perpetrator claimed it.
    pub claimed: bool,
    /// Mentions.
    pub reports: u32,
    /// The place: from the mention with the finest precision, then the smallest id.
    pub place: PlaceFrom,
    /// Investigation reference, carried over.
    pub investigation: Option<String>,
}

/// An incident's place and the mention it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceFrom {
    /// Precision rank (lower is finer).
    pub rank: u8,
    /// Mention id.
    pub mention: i64,
    /// Place as written.
    pub place: Option<String>,
    /// Governorate.
    pub admin1: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Precision.
    pub precision: Option<GeoPrecision>,
}

impl PlaceFrom {
    fn of(m: &ClusterMention) -> PlaceFrom {
        PlaceFrom {
            rank: precision_rank(m.spot.precision, m.spot.lat.is_some()),
            mention: m.id,
            place: m.place.clone(),
            admin1: m.spot.admin1.clone(),
            lat: m.spot.lat,
            lon: m.spot.lon,
            precision: m.spot.precision,
        }
    }

    fn better(&self, other: &PlaceFrom) -> bool {
        (self.rank, self.mention) < (other.rank, other.mention)
    }
}

impl Tally {
    /// The tally of a stored incident whose votes are `votes` (as [`hudna_store::Store::votes`]).
    pub fn stored(i: &IncidentRecord, votes: Vec<(u8, String, u32)>) -> Tally {
        Tally {
            seed: i.id,
            public_id: i.public_id,
            kind: i.kind,
            counts: votes.into_iter().map(|(f, v, n)| ((f, v), n)).collect(),
            killed: i.killed,
            injured: i.injured,
            claimed: i.claimed,
            reports: i.reports,
            place: PlaceFrom {
                rank: precision_rank(i.geo_precision, i.lat.is_some()),
                mention: i.place_mention,
                place: i.place.clone(),
                admin1: i.admin1.clone(),
                lat: i.lat,
                lon: i.lon,
                precision: i.geo_precision,
            },
            investigation: i.investigation.clone(),
        }
    }

    /// Adds a mention's scalar contributions (votes are counted separately, since a source
    /// votes once however many copies it has).
    pub fn add_scalars(&mut self, m: &ClusterMention) {
        self.killed = self.killed.max(m.killed);
        self.injured = self.injured.max(m.injured);
        self.claimed |= m.claimed;
        self.reports += 1;
        let p = PlaceFrom::of(m);
        if p.better(&self.place) {
            self.place = p;
        }
    }

    /// The tally of a cluster from all its mentions. Its public id is the seed's until the
    /// caller gives it the one it inherits.
    pub fn of(
        mentions: &[ClusterMention],
        members: &[usize],
        investigation: Option<String>,
    ) -> Tally {
        let seed = &mentions[members[0]];
        let mut t = Tally {
            seed: seed.id,
            public_id: seed.id,
            kind: seed.spot.kind,
            counts: BTreeMap::new(),
            killed: None,
            injured: None,
            claimed: false,
            reports: 0,
            place: PlaceFrom::of(seed),
            investigation,
        };
        let mut distinct: BTreeSet<(u8, String, i64)> = BTreeSet::new();
        for &i in members {
            t.add_scalars(&mentions[i]);
            distinct.extend(votes_of(&mentions[i]));
        }
        for (f, v, _) in distinct {
            *t.counts.entry((f, v)).or_default() += 1;
        }
        t
    }

    /// The value of `field` most independent sources give; ties go to the smallest value
    /// by `key`, so the result never depends on order.
    fn winner<K: Ord>(&self, field: u8, key: impl Fn(&str) -> K) -> Option<&str> {
        let mut best: Option<(&str, u32, K)> = None;
        for ((f, v), n) in self.counts.range((field, String::new())..) {
            if *f != field {
                break;
            }
            let k = key(v);
            let better = match &best {
                None => true,
                Some((_, bn, bk)) => *n > *bn || (*n == *bn && k < *bk),
            };
            if better {
                best = Some((v.as_str(), *n, k));
            }
        }
        best.map(|(v, _, _)| v)
    }

    fn distinct(&self, field: u8) -> usize {
        self.counts.keys().filter(|(f, _)| *f == field).count()
    }

    /// The incident.
    pub fn finish(&self, block: i64) -> IncidentRecord {
        let date = self
            .winner(DAY, str::to_string)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        // Undated: the earliest day a source was published on (ISO days sort as text).
        let reported = match date {
            Some(_) => None,
            None => self
                .counts
                .range((REPORTED, String::new())..)
                .take_while(|((f, _), _)| *f == REPORTED)
                .find_map(|((_, v), _)| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()),
        };
        let date_precision = match (date, reported) {
            (Some(_), _) => Some(DatePrecision::Day),
            (None, Some(_)) => Some(DatePrecision::Reported),
            (None, None) => None,
        };
        let contested = self.distinct(PERPETRATOR) > 1;
        let perpetrator = self
            .winner(PERPETRATOR, str::to_string)
            .unwrap_or(UNKNOWN)
            .to_string();
        let target = self
            .winner(TARGET, |v| v.parse::<Target>().unwrap_or(Target::Unknown))
            .and_then(|v| v.parse::<Target>().ok())
            .unwrap_or(Target::Unknown);
        let target_actor = self
            .winner(TARGET_ACTOR, str::to_string)
            .map(str::to_string);
        let sources = self
            .counts
            .get(&(SOURCE, String::new()))
            .copied()
            .unwrap_or(0);
        let grade = if self.claimed || self.investigation.is_some() {
            Grade::Confirmed
        } else if contested {
            Grade::Contested
        } else if sources >= 2 {
            Grade::Fair
        } else {
            Grade::Weak
        };
        IncidentRecord {
            public_id: self.public_id,
            id: self.seed,
            kind: self.kind,
            date,
            date_precision,
            reported,
            place: self.place.place.clone(),
            admin1: self.place.admin1.clone(),
            lat: self.place.lat,
            lon: self.place.lon,
            geo_precision: self.place.precision,
            perpetrator,
            contested,
            grade,
            // Running tolls rise as bodies are found: the highest a source states.
            killed: self.killed,
            injured: self.injured,
            target,
            target_actor,
            claimed: self.claimed,
            investigation: self.investigation.clone(),
            sources,
            reports: self.reports,
            block,
            place_mention: self.place.mention,
        }
    }
}

/// The incident a cluster makes (see [`Tally`]). `investigation` is carried over from the
/// stored incident.
pub fn aggregate(
    mentions: &[ClusterMention],
    members: &[usize],
    investigation: Option<String>,
) -> IncidentRecord {
    Tally::of(mentions, members, investigation).finish(mentions[members[0]].spot.block)
}

/// The public id of each new cluster, and the old ids retired: (retired id, the id it was
/// merged into).
pub type Successors = (Vec<i64>, Vec<(i64, i64)>);

/// The public ids of a block's new clusters, given the incidents they replace.
///
/// Each old incident's public id passes to the cluster that holds the most of its reports
/// (ties: the smaller public id goes first, then the earlier cluster); each cluster takes at
/// most one. Clusters left without one get a fresh id from `fresh` (called with the seed's
/// id). Also returns the old ids no cluster took, each with the id of the cluster that took
/// most of its reports: they are retired into it.
///
/// `mentions` carry the incident (row id) each was linked to; `old` maps those row ids to
/// their public ids.
pub fn successor_public_ids<E>(
    mentions: &[ClusterMention],
    clusters: &[Vec<usize>],
    old: &HashMap<i64, i64>,
    mut fresh: impl FnMut(i64, &HashSet<i64>) -> Result<i64, E>,
) -> Result<Successors, E> {
    // (share, old public id, cluster)
    let mut pairs: Vec<(u32, i64, usize)> = Vec::new();
    for (c, members) in clusters.iter().enumerate() {
        let mut count: BTreeMap<i64, u32> = BTreeMap::new();
        for &i in members {
            if let Some(pid) = mentions[i].incident.and_then(|o| old.get(&o)) {
                *count.entry(*pid).or_default() += 1;
            }
        }
        pairs.extend(count.into_iter().map(|(pid, n)| (n, pid, c)));
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut given: Vec<Option<i64>> = vec![None; clusters.len()];
    let mut used: HashSet<i64> = HashSet::new();
    for &(_, pid, c) in &pairs {
        if given[c].is_none() && !used.contains(&pid) {
            given[c] = Some(pid);
            used.insert(pid);
        }
    }
    // Every old id stays out of reach of fresh ones, taken or retired.
    let mut reserved: HashSet<i64> = old.values().copied().collect();
    let mut ids = Vec::with_capacity(clusters.len());
    for (c, g) in given.iter().enumerate() {
        let id = match g {
            Some(id) => *id,
            None => {
                let id = fresh(mentions[clusters[c][0]].id, &reserved)?;
                reserved.insert(id);
                id
            }
        };
        ids.push(id);
    }
    let mut retired: Vec<(i64, i64)> = Vec::new();
    let mut olds: Vec<i64> = old.values().copied().collect();
    olds.sort_unstable();
    olds.dedup();
    for pid in olds {
        if used.contains(&pid) {
            continue;
        }
        // `pairs` is sorted by share: the first pair of this id names its main heir.
        if let Some(&(_, _, c)) = pairs.iter().find(|p| p.1 == pid) {
            retired.push((pid, ids[c]));
        }
    }
    Ok((ids, retired))
}

/// A public id for a new incident seeded by `seed`: the seed's id unless `taken` says it is
/// in use (or was retired), else ids derived from it, so that the choice is the same in
/// every run given the same record.
pub fn fresh_public_id<E>(
    seed: i64,
    mut taken: impl FnMut(i64) -> Result<bool, E>,
) -> Result<i64, E> {
    let mut candidate = seed;
    let mut n = 0u64;
    while taken(candidate)? {
        n += 1;
        candidate = stable_id(&[b"incident", &seed.to_le_bytes(), &n.to_le_bytes()]);
    }
    Ok(candidate)
}

#[cfg(test)]
mod tests;
