//! Consolidation: which mentions report the same event, and what the record says of it.
//!
//! Two mentions can be the same event when they have the same type, the same place (same
//! name, or points within [`NEAR_KM`]), days at most one apart when both are known, and
//! perpetrators that could be confused (the same, one unknown, or actors of the same side).
//!
//! The record must not depend on the order reports arrive in, nor on where a crashed run
//! stopped. So the incidents are a function of the *set* of mentions:
//! - mentions are grouped into *blocks*: the connected groups of the relation above (kept
//!   with a union-find whose labels are internal; the partition itself is order-free);
//! - within a block, mentions are taken in a fixed order — dated first, finer places first,
//!   then by id — and each joins the first incident whose seed it matches and which holds
//!   nothing yet from its own article, or seeds a new one. Comparing with the seed only keeps
//!   a month of daily shelling of one town from chaining into one incident;
//! - an incident's id is its seed mention's id, and its fields are votes over its sources.
//!
//! When new mentions arrive, only the blocks they touch are recomputed, from scratch.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use hudna_core::{GeoPrecision, Grade, Incident, Target};
use hudna_store::{ClusterMention, IncidentRecord, Spot};

use crate::minhash::{normalise, stable_id};

/// Points closer than this are the same place.
pub const NEAR_KM: f64 = 5.0;

/// Which actors are on the same side, so that sources naming one or the other may be
/// reporting one event (a strike that one outlet gives to the Syrian air force and another to
/// Russia's). Read from the theatre's `sides.tsv` (`code<TAB>side`).
#[derive(Debug, Clone, Default)]
pub struct Sides {
    side: HashMap<String, String>,
}

impl Sides {
    /// Parses `code<TAB>side` lines; `#` comments and a `code side` header are skipped.
    pub fn from_tsv(text: &str) -> Result<Sides, String> {
        let mut side = HashMap::new();
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
            side.insert(code.trim().to_string(), s.trim().to_string());
        }
        Ok(Sides { side })
    }

    /// Whether two attributions can describe one event. Actors without a listed side are
    /// compatible with everyone: the record keeps the disagreement rather than guess.
    pub fn compatible(&self, a: &str, b: &str) -> bool {
        if a == b || a == UNKNOWN || b == UNKNOWN {
            return true;
        }
        match (self.side.get(a), self.side.get(b)) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
    }
}

/// The actor code of an unattributed event.
pub const UNKNOWN: &str = "UNKNOWN";

/// The spot of a mention: its consolidation key, with an id derived from it.
pub fn spot_of(i: &Incident) -> Spot {
    let place_key = i.place.as_deref().map(normalise).unwrap_or_default();
    let date = i.date.map(|d| d.format("%Y-%m-%d").to_string());
    let coord = |v: Option<f64>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
    let id = stable_id(&[
        b"spot",
        i.kind.as_str().as_bytes(),
        date.as_deref().unwrap_or("").as_bytes(),
        place_key.as_bytes(),
        i.admin1.as_deref().unwrap_or("").as_bytes(),
        coord(i.lat).as_bytes(),
        coord(i.lon).as_bytes(),
        i.geo_precision.map_or("", GeoPrecision::as_str).as_bytes(),
        i.perpetrator.as_bytes(),
    ]);
    Spot {
        id,
        kind: i.kind,
        date: i.date,
        place_key,
        admin1: i.admin1.clone(),
        lat: i.lat,
        lon: i.lon,
        precision: i.geo_precision,
        perpetrator: i.perpetrator.clone(),
        block: id,
    }
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

/// Whether two spots can be one event (see the module documentation).
pub fn compatible(a: &Spot, b: &Spot, sides: &Sides) -> bool {
    if a.kind != b.kind {
        return false;
    }
    if let (Some(x), Some(y)) = (a.date, b.date) {
        if (x - y).num_days().abs() > 1 {
            return false;
        }
    }
    if !sides.compatible(&a.perpetrator, &b.perpetrator) {
        return false;
    }
    same_place(a, b)
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
    false
}

/// The box to search for spots near `s` (`None` when `s` has no fine point).
pub fn search_box(s: &Spot) -> Option<((f64, f64), (f64, f64))> {
    if !fine(s) {
        return None;
    }
    let (lat, lon) = (s.lat?, s.lon?);
    let dlat = NEAR_KM / 110.5 * 1.01;
    let dlon = NEAR_KM / (111.3 * lat.to_radians().cos().max(0.05)) * 1.01;
    Some(((lat - dlat, lat + dlat), (lon - dlon, lon + dlon)))
}

/// Who a mention's source is, for "nothing twice from one article" and for counting
/// independent sources: the article, or the structured row itself.
fn article_key(m: &ClusterMention) -> i64 {
    m.article.unwrap_or(-1 - m.id)
}

/// Independent sources: syndicated copies share a group.
fn source_key(m: &ClusterMention) -> i64 {
    match (m.article, m.group) {
        (Some(_), Some(g)) => g,
        _ => -1 - m.id,
    }
}

/// Splits a block's mentions into incidents. Returns clusters of indices into `mentions`,
/// each starting with its seed, in seed order.
pub fn cluster(mentions: &[ClusterMention], sides: &Sides) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&i| {
        let m = &mentions[i];
        (
            m.spot.date.is_none(),
            precision_rank(m.spot.precision, m.spot.lat.is_some()),
            m.id,
        )
    });
    let mut clusters: Vec<(Vec<usize>, HashSet<i64>)> = Vec::new();
    for i in order {
        let m = &mentions[i];
        let key = article_key(m);
        let home = clusters.iter_mut().find(|(members, articles)| {
            !articles.contains(&key) && compatible(&mentions[members[0]].spot, &m.spot, sides)
        });
        match home {
            Some((members, articles)) => {
                members.push(i);
                articles.insert(key);
            }
            None => clusters.push((vec![i], HashSet::from([key]))),
        }
    }
    clusters.into_iter().map(|(m, _)| m).collect()
}

/// The value most independent sources give (each source votes once per value); ties go to
/// the smallest value, so the result never depends on order.
fn vote<T: Ord + Clone>(pairs: impl Iterator<Item = (i64, T)>) -> Option<T> {
    let distinct: BTreeSet<(i64, T)> = pairs.collect();
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for (_, v) in distinct {
        *counts.entry(v).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(v, _)| v)
}

/// The incident a cluster makes. `investigation` is carried over from the stored incident.
pub fn aggregate(
    mentions: &[ClusterMention],
    members: &[usize],
    investigation: Option<String>,
) -> IncidentRecord {
    let ms: Vec<&ClusterMention> = members.iter().map(|&i| &mentions[i]).collect();
    let seed = ms[0];
    let date = vote(
        ms.iter()
            .filter_map(|m| m.spot.date.map(|d| (source_key(m), d))),
    );
    let place_from = ms
        .iter()
        .min_by_key(|m| (precision_rank(m.spot.precision, m.spot.lat.is_some()), m.id))
        .copied()
        .unwrap_or(seed);
    let known: Vec<(i64, String)> = ms
        .iter()
        .filter(|m| m.spot.perpetrator != UNKNOWN)
        .map(|m| (source_key(m), m.spot.perpetrator.clone()))
        .collect();
    let contested = known
        .iter()
        .map(|(_, p)| p.as_str())
        .collect::<HashSet<_>>()
        .len()
        > 1;
    let perpetrator = vote(known.into_iter()).unwrap_or_else(|| UNKNOWN.to_string());
    let target = vote(
        ms.iter()
            .filter(|m| m.target != Target::Unknown)
            .map(|m| (source_key(m), m.target)),
    )
    .unwrap_or(Target::Unknown);
    let target_actor = vote(
        ms.iter()
            .filter_map(|m| m.target_actor.clone().map(|a| (source_key(m), a))),
    );
    let claimed = ms.iter().any(|m| m.claimed);
    let sources = ms
        .iter()
        .map(|m| source_key(m))
        .collect::<HashSet<_>>()
        .len() as u32;
    let grade = if claimed || investigation.is_some() {
        Grade::Confirmed
    } else if contested {
        Grade::Contested
    } else if sources >= 2 {
        Grade::Fair
    } else {
        Grade::Weak
    };
    IncidentRecord {
        id: seed.id,
        kind: seed.spot.kind,
        date,
        place: place_from.place.clone(),
        admin1: place_from.spot.admin1.clone(),
        lat: place_from.spot.lat,
        lon: place_from.spot.lon,
        geo_precision: place_from.spot.precision,
        perpetrator,
        contested,
        grade,
        // Running tolls rise as bodies are found: the highest a source states.
        killed: ms.iter().filter_map(|m| m.killed).max(),
        injured: ms.iter().filter_map(|m| m.injured).max(),
        target,
        target_actor,
        claimed,
        investigation,
        sources,
        reports: ms.len() as u32,
    }
}

/// How many distinct articles or rows a cluster draws on.
pub fn distinct_sources(mentions: &[ClusterMention], members: &[usize]) -> usize {
    members
        .iter()
        .map(|&i| article_key(&mentions[i]))
        .collect::<HashSet<_>>()
        .len()
}

#[cfg(test)]
mod tests;
