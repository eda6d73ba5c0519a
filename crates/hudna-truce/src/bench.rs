//! A synthetic theatre for measuring the engine: many incidents against many terms, and
//! the same sample checked by the naive scan to show what the indexes buy.
//!
//! The generator is deterministic (a fixed seed), so two runs check the same data. The
//! theatre is a box the size of Syria with one covered area, two periods, seven parties,
//! two designations in force and one proposed, and as many zones, notified sites and
//! movements as asked; a share of the incidents is placed near sites and routes so that
//! the notification rules do fire.

use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use hudna_core::{GeoPrecision, IncidentType, Target};
use serde::Serialize;

use crate::engine::Engine;
use crate::finding::Finding;
use crate::incident::{CheckedIncident, DatePrecision, UNKNOWN_ACTOR};
use crate::model::*;

/// What to generate.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Incidents to check.
    pub incidents: usize,
    /// Notified sites.
    pub sites: usize,
    /// Notified movements.
    pub movements: usize,
    /// Zones (besides the covered area).
    pub zones: usize,
    /// Incidents checked by both the engine and the naive scan.
    pub naive_sample: usize,
    /// Seed of the generator.
    pub seed: u64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            incidents: 1_000_000,
            sites: 10_000,
            movements: 1_000,
            zones: 500,
            naive_sample: 2_000,
            seed: 2016,
        }
    }
}

/// The measurements.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Incidents checked.
    pub incidents: usize,
    /// Seconds for the whole check on one thread: building the indexes and checking every
    /// incident into sorted findings.
    pub seconds: f64,
    /// Incidents per second over the whole check.
    pub incidents_per_s: f64,
    /// How many times faster than the naive scan, measured on the same sample.
    pub naive_speedup: f64,
    /// CPU seconds of the process during the whole check (Linux; `None` elsewhere): close
    /// to `seconds` on an idle core, and unaffected by other work on a busy machine.
    pub cpu_seconds: Option<f64>,
    /// Seconds spent building the indexes (part of `seconds`).
    pub index_seconds: f64,
    /// Findings produced.
    pub findings: usize,
    /// Notified sites, movements and zones checked against.
    pub sites: usize,
    /// Notified movements.
    pub movements: usize,
    /// Zones.
    pub zones: usize,
    /// Size of the naive sample.
    pub naive_sample: usize,
    /// Seconds of the naive scan on the sample.
    pub naive_sample_seconds: f64,
    /// Seconds of the engine on the same sample.
    pub indexed_sample_seconds: f64,
    /// Whether both gave the same findings on the sample.
    pub naive_agrees: bool,
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[a, b)`.
    pub fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.f64()
    }

    /// Uniform index below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One of the items.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const LON: (f64, f64) = (35.8, 42.3);
const LAT: (f64, f64) = (32.4, 37.2);
const ACTORS: &[&str] = &[
    "SYR_GOV",
    "RUS",
    "IRN_MIL",
    "HZB",
    "ISIS",
    "HTS",
    "OPP",
    "SDF",
    "TUR",
    "COAL",
    "USA",
    UNKNOWN_ACTOR,
];
const PARTIES: &[&str] = &["SYR_GOV", "RUS", "IRN_MIL", "HZB", "OPP", "COAL", "USA"];

fn offset() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc))
}

fn day(n: i64) -> DateTime<FixedOffset> {
    let base = NaiveDate::from_ymd_opt(2016, 1, 1)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN);
    let t = offset()
        .from_local_datetime(&base)
        .single()
        .unwrap_or_else(|| offset().from_utc_datetime(&base));
    t + Duration::days(n)
}

fn blob(rng: &mut Rng, lon: f64, lat: f64, radius_km: f64, n: usize) -> Polygon<f64> {
    let c = lat.to_radians().cos();
    let mut pts: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            let r = radius_km * rng.range(0.6, 1.0) / 111.195;
            Coord {
                x: lon + r * a.cos() / c,
                y: lat + r * a.sin(),
            }
        })
        .collect();
    pts.push(pts[0]);
    Polygon::new(LineString::new(pts), vec![])
}

/// A synthetic truce with the configured numbers of terms.
pub fn synthetic_truce(cfg: &BenchConfig) -> Truce {
    let mut rng = Rng::new(cfg.seed);
    let window = |rng: &mut Rng| {
        if rng.f64() < 0.3 {
            Window::default()
        } else {
            let start = rng.below(330) as i64;
            Window {
                from: Some(day(start)),
                until: Some(day(start + 7 + rng.below(90) as i64)),
            }
        }
    };
    let covered = MultiPolygon::new(vec![blob(&mut rng, 39.0, 34.8, 330.0, 400)]);
    let zones = (0..cfg.zones)
        .map(|i| {
            let kind = *rng.pick(&[
                ZoneKind::Demilitarised,
                ZoneKind::Demilitarised,
                ZoneKind::NoFly,
                ZoneKind::ControlArea,
            ]);
            let restricted: Vec<String> = (0..1 + rng.below(3))
                .map(|_| rng.pick(PARTIES).to_string())
                .collect();
            let lon = rng.range(LON.0, LON.1);
            let lat = rng.range(LAT.0, LAT.1);
            let r = rng.range(3.0, 25.0);
            let n = 8 + rng.below(24);
            Zone {
                id: format!("zone-{i}"),
                kind,
                name: None,
                geometry: MultiPolygon::new(vec![blob(&mut rng, lon, lat, r, n)]),
                restricted,
                forbidden: if rng.f64() < 0.5 {
                    vec![]
                } else {
                    vec![IncidentType::Shelling, IncidentType::AirStrike]
                },
                controlled_by: vec![],
                window: window(&mut rng),
                status: if rng.f64() < 0.1 {
                    Status::Proposed
                } else {
                    Status::InForce
                },
                proposed_by: None,
                note: None,
                source: None,
            }
        })
        .chain(std::iter::once(Zone {
            id: "covered".into(),
            kind: ZoneKind::CoveredArea,
            name: None,
            geometry: covered,
            restricted: vec![],
            forbidden: vec![],
            controlled_by: vec![],
            window: Window::default(),
            status: Status::InForce,
            proposed_by: None,
            note: None,
            source: None,
        }))
        .collect();
    let notices = |rng: &mut Rng, at: i64| -> Vec<Notice> {
        (0..1 + rng.below(3))
            .map(|_| Notice {
                party: rng.pick(PARTIES).to_string(),
                at: day(at + rng.below(5) as i64),
                via: None,
                source: None,
            })
            .collect()
    };
    let mut notifications: Vec<Notification> = (0..cfg.sites)
        .map(|i| {
            let at = rng.below(300) as i64;
            Notification {
                id: format!("site-{i}"),
                name: format!("site {i}"),
                organisation: "org".into(),
                kind: NotificationKind::Site(Site {
                    facility: *rng.pick(&[Facility::Hospital, Facility::School, Facility::Camp]),
                    lat: rng.range(LAT.0, LAT.1),
                    lon: rng.range(LON.0, LON.1),
                    radius_km: rng.range(0.2, 1.5),
                }),
                window: Window::default(),
                notified: notices(&mut rng, at),
                basis: Basis::Documented,
                visibility: Default::default(),
                note: None,
                source: None,
            }
        })
        .collect();
    for i in 0..cfg.movements {
        let mut lon = rng.range(LON.0, LON.1);
        let mut lat = rng.range(LAT.0, LAT.1);
        let mut pts = vec![Coord { x: lon, y: lat }];
        for _ in 0..5 + rng.below(10) {
            let a = rng.range(0.0, std::f64::consts::TAU);
            let step = rng.range(2.0, 10.0) / 111.195;
            lon += step * a.cos();
            lat += step * a.sin();
            pts.push(Coord { x: lon, y: lat });
        }
        let start = rng.below(330) as i64;
        notifications.push(Notification {
            id: format!("movement-{i}"),
            name: format!("convoy {i}"),
            organisation: "org".into(),
            kind: NotificationKind::Movement(Movement {
                route: LineString::new(pts),
                corridor_km: rng.range(0.5, 3.0),
            }),
            window: Window {
                from: Some(day(start)),
                until: Some(day(start + 1 + rng.below(3) as i64)),
            },
            notified: notices(&mut rng, start - 3),
            basis: Basis::Documented,
            visibility: Default::default(),
            note: None,
            source: None,
        });
    }
    let utc = offset();
    Truce {
        id: "synthetic".into(),
        name: Names {
            ar: "هدنة تجريبية".into(),
            en: "Synthetic truce".into(),
        },
        utc_offset: utc,
        source: Source {
            title: "generated".into(),
            text: None,
            url: None,
            date: NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or_default(),
            signatories: vec![],
            guarantors: vec!["USA".into(), "RUS".into()],
        },
        periods: vec![
            Period {
                id: "p1".into(),
                window: Window {
                    from: Some(day(0)),
                    until: Some(day(200)),
                },
                note: None,
                source: None,
            },
            Period {
                id: "p2".into(),
                window: Window {
                    from: Some(day(220)),
                    until: None,
                },
                note: None,
                source: None,
            },
        ],
        parties: PARTIES
            .iter()
            .enumerate()
            .map(|(i, a)| Party {
                actor: a.to_string(),
                accepted: day(i as i64 * 5),
                withdrawn: None,
                period: None,
                role: PartyRole::Party,
                note: None,
                source: None,
            })
            .collect(),
        designations: vec![
            designation("isis", "ISIS", None, Status::InForce),
            designation("hts", "HTS", None, Status::InForce),
            designation("ahrar", "OPP", Some("Ahrar al-Sham"), Status::Proposed),
        ],
        zones,
        notifications,
        file: String::new(),
    }
}

fn designation(id: &str, actor: &str, group: Option<&str>, status: Status) -> Designation {
    Designation {
        id: id.into(),
        actor: actor.into(),
        group: group.map(str::to_string),
        aliases: vec![],
        listed_by: "generator".into(),
        listed_from: day(-1000),
        delisted_at: None,
        status,
        proposed_by: None,
        note: None,
        source: None,
    }
}

/// `n` synthetic incidents over the truce's box: a fifth placed near notified sites, a
/// tenth near routes, the rest anywhere.
pub fn synthetic_incidents(truce: &Truce, n: usize, seed: u64) -> Vec<CheckedIncident> {
    let mut rng = Rng::new(seed ^ 0x5EED);
    let sites: Vec<(f64, f64)> = truce
        .notifications
        .iter()
        .filter_map(|x| match &x.kind {
            NotificationKind::Site(s) => Some((s.lon, s.lat)),
            _ => None,
        })
        .collect();
    let routes: Vec<&LineString<f64>> = truce
        .notifications
        .iter()
        .filter_map(|x| match &x.kind {
            NotificationKind::Movement(m) => Some(&m.route),
            _ => None,
        })
        .collect();
    let o = offset();
    (0..n)
        .map(|i| {
            let roll = rng.f64();
            let (lon, lat) = if roll < 0.2 && !sites.is_empty() {
                let (x, y) = *rng.pick(&sites);
                (x + rng.range(-0.015, 0.015), y + rng.range(-0.015, 0.015))
            } else if roll < 0.3 && !routes.is_empty() {
                let r = *rng.pick(&routes);
                let c = r.0[rng.below(r.0.len())];
                (c.x + rng.range(-0.01, 0.01), c.y + rng.range(-0.01, 0.01))
            } else {
                (rng.range(LON.0, LON.1), rng.range(LAT.0, LAT.1))
            };
            let date = NaiveDate::from_ymd_opt(2016, 1, 1)
                .and_then(|d| d.checked_add_signed(Duration::days(rng.below(366) as i64)));
            let perpetrator = rng.pick(ACTORS).to_string();
            let has_target = rng.f64() < 0.4;
            CheckedIncident {
                id: format!("inc-{i:07}"),
                kind: *rng.pick(IncidentType::ALL),
                date,
                time: NaiveTime::from_hms_opt(rng.below(24) as u32, 0, 0),
                date_precision: *rng.pick(&[
                    DatePrecision::Day,
                    DatePrecision::Day,
                    DatePrecision::Day,
                    DatePrecision::Time,
                    DatePrecision::Week,
                ]),
                utc_offset: o,
                lat: Some(lat),
                lon: Some(lon),
                precision: *rng.pick(&[
                    GeoPrecision::Point,
                    GeoPrecision::Locality,
                    GeoPrecision::Locality,
                    GeoPrecision::District,
                ]),
                perpetrator_group: (perpetrator == "OPP" && rng.f64() < 0.2)
                    .then(|| "Ahrar al-Sham".to_string()),
                perpetrator,
                target: *rng.pick(Target::ALL),
                target_actor: has_target.then(|| rng.pick(ACTORS).to_string()),
                target_group: None,
            }
        })
        .collect()
}

/// Generates the theatre, times the whole check on this thread, and measures the naive
/// scan on a sample.
pub fn run(cfg: &BenchConfig) -> BenchReport {
    let truce = synthetic_truce(cfg);
    let incidents = synthetic_incidents(&truce, cfg.incidents, cfg.seed);

    let cpu0 = process_cpu_seconds();
    let start = Instant::now();
    let engine = Engine::new(vec![truce]);
    let index_seconds = start.elapsed().as_secs_f64();
    let findings = engine.check(&incidents);
    let seconds = start.elapsed().as_secs_f64();
    let cpu_seconds = cpu0.zip(process_cpu_seconds()).map(|(a, b)| b - a);

    let sample: Vec<CheckedIncident> = incidents
        .iter()
        .step_by((incidents.len() / cfg.naive_sample.max(1)).max(1))
        .take(cfg.naive_sample)
        .cloned()
        .collect();
    // The indexed pass over the sample is short: repeat it and keep the fastest run, so
    // that a busy machine does not swing the ratio.
    let mut indexed: Vec<Finding> = Vec::new();
    let mut indexed_sample_seconds = f64::INFINITY;
    let mut spent = 0.0;
    let mut runs = 0;
    while runs < 3 || (spent < 0.5 && runs < 1000) {
        let t = Instant::now();
        indexed = engine.check(&sample);
        let s = t.elapsed().as_secs_f64();
        indexed_sample_seconds = indexed_sample_seconds.min(s);
        spent += s;
        runs += 1;
    }
    // The naive pass is long; the faster of two runs.
    let mut naive: Vec<Finding> = Vec::new();
    let mut naive_sample_seconds = f64::INFINITY;
    for _ in 0..2 {
        let t = Instant::now();
        naive = engine.check_naive(&sample);
        naive_sample_seconds = naive_sample_seconds.min(t.elapsed().as_secs_f64());
    }

    BenchReport {
        incidents: incidents.len(),
        seconds,
        incidents_per_s: incidents.len() as f64 / seconds.max(1e-9),
        naive_speedup: naive_sample_seconds / indexed_sample_seconds.max(1e-9),
        cpu_seconds,
        index_seconds,
        findings: findings.len(),
        sites: cfg.sites,
        movements: cfg.movements,
        zones: cfg.zones,
        naive_sample: sample.len(),
        naive_sample_seconds,
        indexed_sample_seconds,
        naive_agrees: indexed == naive,
    }
}

/// User and system CPU time of this process, from `/proc/self/stat` (clock ticks of
/// 1/100 s, the usual Linux value).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_and_the_naive_scan_agree_on_generated_data() {
        let cfg = BenchConfig {
            incidents: 3_000,
            sites: 300,
            movements: 60,
            zones: 40,
            naive_sample: 3_000,
            seed: 7,
        };
        let truce = synthetic_truce(&cfg);
        let incidents = synthetic_incidents(&truce, cfg.incidents, cfg.seed);
        let engine = Engine::new(vec![truce]);
        let a = engine.check(&incidents);
        let b = engine.check_naive(&incidents);
        assert_eq!(a.len(), b.len());
        assert_eq!(a, b);
        for rule in crate::Rule::ALL {
            assert!(
                a.iter().any(|f| f.rule == *rule),
                "no {rule} in {} findings",
                a.len()
            );
        }
        assert!(a.iter().any(|f| f.proposal.is_some()));
    }
}
