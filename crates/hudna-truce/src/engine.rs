//! The compliance engine: truces compiled into indexes, incidents in, findings out.
//!
//! For each incident and truce the engine asks the indexes which areas contain the
//! incident and which notified sites and routes are near it (see [`crate::spatial`]), then
//! applies the rules to those few terms only. Proposed zones and designations sit in the
//! same indexes; an incident that one of them could affect is evaluated again as if the
//! proposal were adopted, and the difference is reported as what the proposal *would*
//! change.

use std::cell::OnceCell;

use geo::Line;
use hudna_core::{IncidentType, Target};
use rstar::RTree;
use rustc_hash::FxHashMap;

use crate::arabic::{self, Listing, Notified, Protected, Restricted, Scene, Side};
use crate::confidence::{inside_probability, UNATTRIBUTED_FACTOR, UNCERTAIN_GROUP_FACTOR};
use crate::finding::{round2, Effect, Finding, ProposalEffect, Rule, Severity};
use crate::incident::CheckedIncident;
use crate::model::{Basis, Notification, NotificationKind, Status, Truce, Zone, ZoneKind};
use crate::spatial::{
    box_around, boxed, haversine_km, segment_box, segment_km, Boxed, PreparedArea,
};
use crate::time::{show, show_window, Span};

/// Counts of a run, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Incidents given.
    pub incidents: usize,
    /// Incidents without a date (not checked).
    pub undated: usize,
    /// Incidents without usable coordinates (not checked).
    pub unlocated: usize,
    /// Findings produced (including what proposals would change).
    pub findings: usize,
}

/// Compiled truces, ready to check incidents.
#[derive(Debug)]
pub struct Engine {
    pub(crate) truces: Vec<CompiledTruce>,
}

/// A proposed term being tried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Proposal {
    Zone(usize),
    Designation(usize),
}

/// A truce with its indexes.
#[derive(Debug)]
pub(crate) struct CompiledTruce {
    pub(crate) truce: Truce,
    periods: Vec<(i64, i64)>,
    parties: FxHashMap<String, Vec<usize>>,
    designations: FxHashMap<String, Vec<usize>>,
    pub(crate) areas: Vec<PreparedArea>,
    zone_windows: Vec<(i64, i64)>,
    /// Every area, site and route segment in one R-tree, so that an incident costs one
    /// query.
    terms: RTree<Boxed<TermRef>>,
    covered_in_force: bool,
    segments: Vec<Vec<Line<f64>>>,
    notice_windows: Vec<(i64, i64)>,
    text: Texts,
}

/// What an entry of the term index stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TermRef {
    Zone(u32),
    Site(u32),
    Segment(u32, u32),
}

/// Dates and lists as explanations print them, formatted once per truce; the `_ar` fields
/// are the same in the Arabic explanations' wording (dates themselves read the same in both).
#[derive(Debug, Default)]
struct Texts {
    periods: Vec<String>,
    periods_ar: Vec<String>,
    accepted: Vec<String>,
    listed_from: Vec<String>,
    zone_windows: Vec<String>,
    zone_windows_ar: Vec<String>,
    zone_restricted: Vec<String>,
    zone_restricted_ar: Vec<String>,
    /// (instant, English, Arabic) of each notice.
    notices: Vec<Vec<(i64, String, String)>>,
    notice_windows: Vec<String>,
    notice_windows_ar: Vec<String>,
}

/// What the indexes found at an incident's location.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    /// (zone, km inside).
    zones: Vec<(u32, f64)>,
    /// (notification, km from the site or route).
    notes: Vec<(u32, f64)>,
}

impl Engine {
    /// Compiles validated truces. Findings name each truce by its id, so ids should differ.
    pub fn new(truces: Vec<Truce>) -> Engine {
        Engine {
            truces: truces.into_iter().map(CompiledTruce::new).collect(),
        }
    }

    /// The truces, in the order given.
    pub fn truces(&self) -> impl Iterator<Item = &Truce> {
        self.truces.iter().map(|t| &t.truce)
    }

    /// Checks incidents against every truce. Findings come sorted by incident id, truce,
    /// proposal, rule and term, whatever the order of the input.
    pub fn check(&self, incidents: &[CheckedIncident]) -> Vec<Finding> {
        self.check_with_stats(incidents).0
    }

    /// As [`Engine::check`], with counts of what could not be checked.
    pub fn check_with_stats(&self, incidents: &[CheckedIncident]) -> (Vec<Finding>, RunStats) {
        self.run(incidents, false)
    }

    /// The same findings by a naive scan: every incident against every term and every
    /// vertex, no index. Slow by design; the benchmark's baseline and the tests' oracle.
    pub fn check_naive(&self, incidents: &[CheckedIncident]) -> Vec<Finding> {
        self.run(incidents, true).0
    }

    fn run(&self, incidents: &[CheckedIncident], naive: bool) -> (Vec<Finding>, RunStats) {
        let mut order: Vec<usize> = (0..incidents.len()).collect();
        order.sort_by(|&a, &b| incidents[a].id.cmp(&incidents[b].id));
        let mut out = Vec::with_capacity(incidents.len());
        let mut stats = RunStats {
            incidents: incidents.len(),
            ..RunStats::default()
        };
        let mut hits = Hits::default();
        for i in order {
            let inc = &incidents[i];
            if inc.span().is_none() {
                stats.undated += 1;
                continue;
            }
            if inc.location().is_none() {
                stats.unlocated += 1;
                continue;
            }
            let start = out.len();
            for t in &self.truces {
                t.check_into(inc, naive, &mut hits, &mut out);
            }
            if self.truces.len() > 1 {
                out[start..].sort_by(Finding::order);
            }
        }
        stats.findings = out.len();
        (out, stats)
    }

    /// Checks one incident against every truce, appending its findings (sorted) to `out`.
    pub fn check_incident(&self, inc: &CheckedIncident, out: &mut Vec<Finding>) {
        let mut hits = Hits::default();
        let start = out.len();
        for t in &self.truces {
            t.check_into(inc, false, &mut hits, out);
        }
        out[start..].sort_by(Finding::order);
    }
}

/// How far inside an area the index searches for its boundary: beyond two precision radii
/// (and at least 10 km) the confidence is 1 whatever the distance, so the search stops there;
/// a finding that states the distance has it measured in full afterwards
/// ([`PreparedArea::boundary_km`]).
fn depth_cap(inc: &CheckedIncident) -> f64 {
    (2.0 * inc.precision.radius_km()).max(10.0)
}

fn protected(target: Target) -> bool {
    matches!(
        target,
        Target::Civilians | Target::Medical | Target::Humanitarian | Target::Education
    )
}

/// How far inside an area, for explanations. Distances are measured in full before they get
/// here; "more than" is only said of an area whose boundary could not be measured at all.
fn depth(d: f64, cap: f64) -> String {
    if d.is_finite() {
        km(d)
    } else {
        format!("more than {cap:.0} km")
    }
}

fn km(d: f64) -> String {
    if d < 1.0 {
        format!("{d:.2} km")
    } else {
        format!("{d:.1} km")
    }
}

fn pct(f: f64) -> String {
    format!("{:.0}%", f * 100.0)
}

/// Where an incident stands against the covered area: the chance it lies inside, and the
/// covered zone holding it with the km inside as the index gave them (none when the truce
/// has no covered area and so applies everywhere).
type Scope<'z> = (f64, Option<(&'z Zone, u32, f64)>);

/// How sure it is that a group is the designated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    No,
    Possible,
    Certain,
}

impl CompiledTruce {
    pub(crate) fn new(truce: Truce) -> CompiledTruce {
        let periods: Vec<(i64, i64)> = truce.periods.iter().map(|p| p.window.seconds()).collect();
        let mut parties: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, p) in truce.parties.iter().enumerate() {
            parties.entry(p.actor.clone()).or_default().push(i);
        }
        let mut designations: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, d) in truce.designations.iter().enumerate() {
            designations.entry(d.actor.clone()).or_default().push(i);
        }
        let areas: Vec<PreparedArea> = truce
            .zones
            .iter()
            .map(|z| PreparedArea::new(&z.geometry))
            .collect();
        let zone_windows = truce
            .zones
            .iter()
            .map(|z| {
                if z.window.is_open() {
                    (i64::MIN, i64::MAX)
                } else {
                    z.window.seconds()
                }
            })
            .collect();
        let mut entries: Vec<Boxed<TermRef>> = areas
            .iter()
            .enumerate()
            .map(|(i, a)| boxed(a.lonlat_box, TermRef::Zone(i as u32)))
            .collect();
        let covered_in_force = truce
            .zones
            .iter()
            .any(|z| z.kind == ZoneKind::CoveredArea && z.status == Status::InForce);
        let mut segments = Vec::with_capacity(truce.notifications.len());
        let mut notice_windows = Vec::with_capacity(truce.notifications.len());
        for (i, n) in truce.notifications.iter().enumerate() {
            let (mut from, until) = n.window.seconds();
            if n.window.from.is_none() {
                from = n
                    .notified
                    .iter()
                    .map(|x| x.at.timestamp())
                    .min()
                    .unwrap_or(i64::MAX);
            }
            notice_windows.push((from, until));
            match &n.kind {
                NotificationKind::Site(s) => {
                    entries.push(boxed(
                        box_around(s.lon, s.lat, s.radius_km),
                        TermRef::Site(i as u32),
                    ));
                    segments.push(Vec::new());
                }
                NotificationKind::Movement(m) => {
                    let lines: Vec<Line<f64>> = m.route.lines().collect();
                    for (j, l) in lines.iter().enumerate() {
                        entries.push(boxed(
                            segment_box(l, m.corridor_km / 2.0),
                            TermRef::Segment(i as u32, j as u32),
                        ));
                    }
                    segments.push(lines);
                }
            }
        }
        let text = Texts {
            periods: truce
                .periods
                .iter()
                .map(|p| show_window(p.window.from, p.window.until))
                .collect(),
            periods_ar: truce
                .periods
                .iter()
                .map(|p| arabic::window(p.window.from, p.window.until))
                .collect(),
            accepted: truce.parties.iter().map(|p| show(p.accepted)).collect(),
            listed_from: truce
                .designations
                .iter()
                .map(|d| show(d.listed_from))
                .collect(),
            zone_windows: truce
                .zones
                .iter()
                .map(|z| show_window(z.window.from, z.window.until))
                .collect(),
            zone_windows_ar: truce
                .zones
                .iter()
                .map(|z| arabic::window(z.window.from, z.window.until))
                .collect(),
            zone_restricted_ar: truce
                .zones
                .iter()
                .map(|z| arabic::restricted(&z.restricted))
                .collect(),
            zone_restricted: truce
                .zones
                .iter()
                .map(|z| {
                    if z.restricted.is_empty() {
                        "every actor".to_string()
                    } else {
                        z.restricted.join(", ")
                    }
                })
                .collect(),
            notices: truce
                .notifications
                .iter()
                .map(|n| {
                    n.notified
                        .iter()
                        .map(|x| {
                            (
                                x.at.timestamp(),
                                format!("{} on {}", x.party, show(x.at)),
                                arabic::notice(&x.party, x.at),
                            )
                        })
                        .collect()
                })
                .collect(),
            notice_windows: truce
                .notifications
                .iter()
                .map(|n| show_window(Self::notice_from(n), n.window.until))
                .collect(),
            notice_windows_ar: truce
                .notifications
                .iter()
                .map(|n| arabic::window(Self::notice_from(n), n.window.until))
                .collect(),
        };
        CompiledTruce {
            periods,
            parties,
            designations,
            areas,
            zone_windows,
            terms: RTree::bulk_load(entries),
            covered_in_force,
            segments,
            notice_windows,
            text,
            truce,
        }
    }

    /// When a notification's protection starts: its own start, or else the first notice.
    fn notice_from(n: &Notification) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        n.window
            .from
            .or_else(|| n.notified.iter().map(|x| x.at).min())
    }

    /// The box a notification's protection covers, for finding the incidents a change to
    /// it can touch.
    pub(crate) fn notification_box(n: &Notification) -> ([f64; 2], [f64; 2]) {
        match &n.kind {
            NotificationKind::Site(s) => box_around(s.lon, s.lat, s.radius_km),
            NotificationKind::Movement(m) => {
                let mut b = ([f64::MAX, f64::MAX], [f64::MIN, f64::MIN]);
                for l in m.route.lines() {
                    let s = segment_box(&l, m.corridor_km / 2.0);
                    b.0[0] = b.0[0].min(s.0[0]);
                    b.0[1] = b.0[1].min(s.0[1]);
                    b.1[0] = b.1[0].max(s.1[0]);
                    b.1[1] = b.1[1].max(s.1[1]);
                }
                b
            }
        }
    }

    fn gather(&self, lon: f64, lat: f64, cap_km: f64, naive: bool, hits: &mut Hits) {
        hits.zones.clear();
        hits.notes.clear();
        let t = &self.truce;
        if naive {
            for (i, a) in self.areas.iter().enumerate() {
                if let Some(d) = a.inside_km_naive(lon, lat) {
                    hits.zones.push((i as u32, d));
                }
            }
            for (i, n) in t.notifications.iter().enumerate() {
                match &n.kind {
                    NotificationKind::Site(s) => {
                        let d = haversine_km(lon, lat, s.lon, s.lat);
                        if d <= s.radius_km {
                            hits.notes.push((i as u32, d));
                        }
                    }
                    NotificationKind::Movement(m) => {
                        let d = self.segments[i]
                            .iter()
                            .map(|l| segment_km(lon, lat, l))
                            .fold(f64::INFINITY, f64::min);
                        if d <= m.corridor_km / 2.0 {
                            hits.notes.push((i as u32, d));
                        }
                    }
                }
            }
        } else {
            for e in self.terms.locate_all_at_point(&[lon, lat]) {
                match e.data {
                    TermRef::Zone(z) => {
                        if let Some(d) = self.areas[z as usize].inside_km(lon, lat, cap_km) {
                            hits.zones.push((z, d));
                        }
                    }
                    TermRef::Site(n) => {
                        if let NotificationKind::Site(site) = &t.notifications[n as usize].kind {
                            let d = haversine_km(lon, lat, site.lon, site.lat);
                            if d <= site.radius_km {
                                hits.notes.push((n, d));
                            }
                        }
                    }
                    TermRef::Segment(n, k) => {
                        if let NotificationKind::Movement(m) = &t.notifications[n as usize].kind {
                            let d = segment_km(lon, lat, &self.segments[n as usize][k as usize]);
                            if d <= m.corridor_km / 2.0 {
                                hits.notes.push((n, d));
                            }
                        }
                    }
                }
            }
            hits.zones.sort_by_key(|z| z.0);
            hits.notes
                .sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            hits.notes.dedup_by_key(|n| n.0);
        }
    }

    /// Checks one incident: findings under the terms in force, then what each relevant
    /// proposal would change. Appends them, sorted, to `out`.
    pub(crate) fn check_into(
        &self,
        inc: &CheckedIncident,
        naive: bool,
        hits: &mut Hits,
        out: &mut Vec<Finding>,
    ) {
        let (Some(span), Some((lon, lat))) = (inc.span(), inc.location()) else {
            return;
        };
        self.gather(lon, lat, depth_cap(inc), naive, hits);
        let start = out.len();
        self.evaluate(inc, span, (lon, lat), hits, None, out);
        let mut proposals: Vec<Proposal> = hits
            .zones
            .iter()
            .filter(|(z, _)| self.truce.zones[*z as usize].status == Status::Proposed)
            .map(|(z, _)| Proposal::Zone(*z as usize))
            .collect();
        for actor in std::iter::once(inc.perpetrator.as_str()).chain(inc.target_actor.as_deref()) {
            for &d in self
                .designations
                .get(actor)
                .map_or(&[][..], |v| v.as_slice())
            {
                if self.truce.designations[d].status == Status::Proposed {
                    proposals.push(Proposal::Designation(d));
                }
            }
        }
        if !proposals.is_empty() {
            proposals.sort();
            proposals.dedup();
            // Compared with the findings in force where they lie, not copies of them.
            let end = out.len();
            let mut tried = Vec::new();
            let mut effects = Vec::new();
            for p in proposals {
                tried.clear();
                self.evaluate(inc, span, (lon, lat), hits, Some(p), &mut tried);
                self.compare(p, &out[start..end], &tried, &mut effects);
            }
            out.append(&mut effects);
        }
        out[start..].sort_by(Finding::order);
    }

    /// Reports the difference between the findings in force and those with `p` adopted.
    fn compare(&self, p: Proposal, base: &[Finding], tried: &[Finding], out: &mut Vec<Finding>) {
        let (id, by) = match p {
            Proposal::Zone(z) => {
                let z = &self.truce.zones[z];
                (&z.id, z.proposed_by.as_deref())
            }
            Proposal::Designation(d) => {
                let d = &self.truce.designations[d];
                (&d.id, d.proposed_by.as_deref())
            }
        };
        let whose = by.map(|b| format!(" ({b}'s proposal)")).unwrap_or_default();
        let tag = |f: &Finding, effect: Effect, explanation: String| {
            let explanation_ar = match effect {
                Effect::WouldRemove => arabic::no_longer_if_proposed(id, by, &f.explanation_ar),
                Effect::WouldAdd | Effect::WouldChange => {
                    arabic::if_proposed(id, by, &f.explanation_ar)
                }
            };
            Finding {
                incident: f.incident.clone(),
                truce: f.truce.clone(),
                term: f.term.clone(),
                rule: f.rule,
                severity: f.severity,
                confidence: f.confidence,
                distance_km: f.distance_km,
                explanation,
                explanation_ar,
                proposal: Some(ProposalEffect {
                    term: id.clone(),
                    effect,
                }),
            }
        };
        for t in tried {
            match base.iter().find(|b| b.rule == t.rule && b.term == t.term) {
                None => out.push(tag(
                    t,
                    Effect::WouldAdd,
                    format!("if proposed {id}{whose} were in force: {}", t.explanation),
                )),
                Some(b)
                    if b.severity != t.severity
                        || b.confidence != t.confidence
                        || b.explanation != t.explanation =>
                {
                    out.push(tag(
                        t,
                        Effect::WouldChange,
                        format!("if proposed {id}{whose} were in force: {}", t.explanation),
                    ))
                }
                Some(_) => {}
            }
        }
        for b in base {
            if !tried.iter().any(|t| t.rule == b.rule && t.term == b.term) {
                out.push(tag(
                    b,
                    Effect::WouldRemove,
                    format!(
                        "would no longer hold if proposed {id}{whose} were in force: {}",
                        b.explanation
                    ),
                ));
            }
        }
    }

    fn active(status: Status, adopt: Option<Proposal>, me: Proposal) -> bool {
        status == Status::InForce || adopt == Some(me)
    }

    /// The best designation matching an actor (and group) at an instant: how sure, and
    /// which (index).
    fn designated(
        &self,
        actor: &str,
        group: Option<&str>,
        at: i64,
        adopt: Option<Proposal>,
    ) -> (Match, Option<usize>) {
        let mut best: (Match, Option<usize>) = (Match::No, None);
        for &i in self
            .designations
            .get(actor)
            .map_or(&[][..], |v| v.as_slice())
        {
            let d = &self.truce.designations[i];
            if !Self::active(d.status, adopt, Proposal::Designation(i)) {
                continue;
            }
            let from = d.listed_from.timestamp();
            let until = d.delisted_at.map_or(i64::MAX, |t| t.timestamp());
            if at < from || at >= until {
                continue;
            }
            let m = match (&d.group, group) {
                (None, _) => Match::Certain,
                (Some(_), Some(g)) if d.names_group(g) => Match::Certain,
                (Some(_), Some(_)) => Match::No,
                (Some(_), None) => Match::Possible,
            };
            if m > best.0 {
                best = (m, Some(i));
            }
        }
        best
    }

    /// The share of the span during which `actor` was bound as a party (over every period
    /// and acceptance, counted once where they overlap), with the period holding most of it
    /// and the acceptance that binds there.
    fn bound(&self, actor: &str, span: Span) -> Option<(f64, usize, usize)> {
        let mut pieces: Vec<(i64, i64)> = Vec::new();
        let mut best: Option<(f64, usize, usize)> = None;
        for &pi in self.parties.get(actor)? {
            let party = &self.truce.parties[pi];
            let a = party.accepted.timestamp();
            let w = party.withdrawn.map_or(i64::MAX, |t| t.timestamp());
            for (k, (pf, pu)) in self.periods.iter().enumerate() {
                if party
                    .period
                    .as_deref()
                    .is_some_and(|id| id != self.truce.periods[k].id)
                {
                    continue;
                }
                let (from, until) = (a.max(*pf), w.min(*pu));
                let f = span.fraction_in(from, until);
                if f > 0.0 {
                    pieces.push((from, until));
                    if best.is_none_or(|b| f > b.0) {
                        best = Some((f, pi, k));
                    }
                }
            }
        }
        best.map(|(_, pi, k)| (span.fraction_in_union(&mut pieces), pi, k))
    }

    /// The share of the span inside the truce's periods (counted once where they overlap),
    /// and the period holding most of it.
    fn period(&self, span: Span) -> Option<(f64, usize)> {
        let mut pieces: Vec<(i64, i64)> = Vec::new();
        let mut best: Option<(f64, usize)> = None;
        for (k, (f, u)) in self.periods.iter().enumerate() {
            let x = span.fraction_in(*f, *u);
            if x > 0.0 {
                pieces.push((*f, *u));
                if best.is_none_or(|b| x > b.0) {
                    best = Some((x, k));
                }
            }
        }
        best.map(|(_, k)| (span.fraction_in_union(&mut pieces), k))
    }

    fn period_window(&self, k: usize) -> &str {
        &self.text.periods[k]
    }

    /// The rules, for one incident, with the terms in force plus `adopt`.
    fn evaluate(
        &self,
        inc: &CheckedIncident,
        span: Span,
        (lon, lat): (f64, f64),
        hits: &Hits,
        adopt: Option<Proposal>,
        out: &mut Vec<Finding>,
    ) {
        let t = &self.truce;
        let radius = inc.precision.radius_km();
        let cap = depth_cap(inc);
        let unknown = inc.is_unattributed();
        // Formatted on first use: most evaluations produce no finding.
        let what_cell = OnceCell::new();
        let what = || what_cell.get_or_init(|| describe(inc)).as_str();
        let by_cell = OnceCell::new();
        let by = || {
            by_cell
                .get_or_init(|| {
                    if unknown {
                        "an unknown perpetrator".to_string()
                    } else {
                        match &inc.perpetrator_group {
                            Some(g) => format!("{} ({g})", inc.perpetrator),
                            None => inc.perpetrator.clone(),
                        }
                    }
                })
                .as_str()
        };
        let when_cell = OnceCell::new();
        let when = || when_cell.get_or_init(|| inc.when()).as_str();
        // The same facts in the Arabic wording, formatted on first use too.
        let act_ar_cell = OnceCell::new();
        let act_ar = || {
            act_ar_cell
                .get_or_init(|| arabic::act(inc, unknown))
                .as_str()
        };
        let when_ar_cell = OnceCell::new();
        let when_ar = || when_ar_cell.get_or_init(|| arabic::when(inc)).as_str();
        let push = |out: &mut Vec<Finding>,
                    term: &str,
                    rule: Rule,
                    severity: Severity,
                    confidence: f64,
                    distance: Option<f64>,
                    explanation: String,
                    explanation_ar: String| {
            let confidence = round2(confidence.clamp(0.0, 1.0));
            if confidence > 0.0 {
                out.push(Finding {
                    incident: inc.id.clone(),
                    truce: t.id.clone(),
                    term: term.to_string(),
                    rule,
                    severity,
                    confidence,
                    distance_km: distance.filter(|d| d.is_finite()).map(round2),
                    explanation: exact(explanation),
                    explanation_ar,
                    proposal: None,
                });
            }
        };
        // km inside zone `z`, from the distance the index gave (infinite when the boundary is
        // beyond the search cap): measured in full only for a finding that states it.
        let inside = |z: u32, d: f64| {
            if d.is_finite() {
                d
            } else {
                self.areas[z as usize].boundary_km(lon, lat)
            }
        };
        let grave_if_protected = if protected(inc.target) {
            Severity::Grave
        } else {
            Severity::Serious
        };

        // Scope: the covered area and the period.
        let covered_active = self.covered_in_force
            || matches!(adopt, Some(Proposal::Zone(z)) if t.zones[z].kind == ZoneKind::CoveredArea);
        let covered: Option<Scope<'_>> = if covered_active {
            hits.zones
                .iter()
                .filter(|(z, _)| {
                    let zone = &t.zones[*z as usize];
                    zone.kind == ZoneKind::CoveredArea
                        && Self::active(zone.status, adopt, Proposal::Zone(*z as usize))
                })
                .map(|(z, d)| {
                    (
                        inside_probability(*d, radius),
                        Some((&t.zones[*z as usize], *z, *d)),
                    )
                })
                .max_by(|a, b| a.0.total_cmp(&b.0))
        } else {
            Some((1.0, None))
        };
        if let (Some((p_cov, cov)), Some((p_time, k))) = (covered, self.period(span)) {
            // How far inside the covered area, measured once and only when a finding says it.
            let cov_km = OnceCell::new();
            let distance = || cov.map(|(_, z, d)| *cov_km.get_or_init(|| inside(z, d)));
            let where_ = || match (cov, distance()) {
                (Some((z, _, _)), Some(d)) => {
                    format!("{} inside covered area {}", depth(d, cap), z.id)
                }
                _ => "in the truce's territory (no covered area set)".to_string(),
            };
            let where_ar = || match (cov, distance()) {
                (Some((z, _, _)), Some(d)) => arabic::inside_covered(&arabic::depth(d, cap), &z.id),
                _ => arabic::EVERYWHERE.to_string(),
            };
            let mid = span.mid();
            let (pm, pd) = self.designated(
                &inc.perpetrator,
                inc.perpetrator_group.as_deref(),
                mid,
                adopt,
            );
            let (tm, td) = match &inc.target_actor {
                Some(a) => self.designated(a, inc.target_group.as_deref(), mid, adopt),
                None => (Match::No, None),
            };
            if let (Match::Certain, Some(di)) = (pm, pd) {
                let d = &t.designations[di];
                push(
                    out,
                    &d.id,
                    Rule::ExcludedPerpetrator,
                    Severity::Info,
                    p_time * p_cov,
                    distance(),
                    format!(
                        "{by} is designated ({} as {}, listed by {} from {}): its {what} on {when}, {}, is outside the truce — recorded, not a violation",
                        d.status.as_str(),
                        d.label(),
                        d.listed_by,
                        self.text.listed_from[di],
                        where_(), what = what(), by = by(), when = when()),
                    arabic::excluded_perpetrator(
                        inc,
                        self.listing(di),
                        Scene {
                            act: act_ar(),
                            when: when_ar(),
                            place: &where_ar(),
                        },
                    ),
                );
            }
            if let (Match::Certain, Some(di)) = (tm, td) {
                let d = &t.designations[di];
                push(
                    out,
                    &d.id,
                    Rule::ExcludedTarget,
                    Severity::Info,
                    p_time * p_cov,
                    distance(),
                    format!(
                        "the side attacked, {}, is designated ({} as {}, listed by {} from {}): {by}'s {what} on {when}, {}, is outside the truce — recorded, not a violation",
                        inc.target_actor.as_deref().unwrap_or_default(),
                        d.status.as_str(),
                        d.label(),
                        d.listed_by,
                        self.text.listed_from[di],
                        where_(), what = what(), by = by(), when = when()),
                    arabic::excluded_target(
                        inc.target_actor.as_deref().unwrap_or_default(),
                        self.listing(di),
                        Scene {
                            act: act_ar(),
                            when: when_ar(),
                            place: &where_ar(),
                        },
                    ),
                );
            }
            if pm != Match::Certain && tm != Match::Certain {
                let mut caveat = String::new();
                let mut caveat_ar = String::new();
                let mut factor = 1.0;
                for (m, d, side, side_ar) in [
                    (pm, pd, "the perpetrator", Side::Perpetrator),
                    (tm, td, "the side attacked", Side::Target),
                ] {
                    if let (Match::Possible, Some(di)) = (m, d) {
                        let d = &t.designations[di];
                        factor *= UNCERTAIN_GROUP_FACTOR;
                        caveat.push_str(&format!(
                            "; {side} may be {} (designated, {}, by {}), which would put it outside the truce",
                            d.label(),
                            d.status.as_str(),
                            d.listed_by
                        ));
                        caveat_ar.push_str(&arabic::caveat(
                            side_ar,
                            d.label(),
                            d.status,
                            &d.listed_by,
                        ));
                    }
                }
                if unknown {
                    push(
                        out,
                        &t.periods[k].id,
                        Rule::Unattributed,
                        Severity::Review,
                        p_time * p_cov * factor,
                        distance(),
                        format!(
                            "{what} by {by} on {when}, {}, during period {} ({}){}: needs investigation{caveat}",
                            where_(),
                            t.periods[k].id,
                            self.period_window(k),
                            partial(p_time), what = what(), by = by(), when = when()),
                        arabic::unattributed(
                            Scene {
                                act: act_ar(),
                                when: when_ar(),
                                place: &where_ar(),
                            },
                            arabic::InPeriod {
                                id: &t.periods[k].id,
                                window: &self.text.periods_ar[k],
                                partial: &arabic::partial(p_time),
                                caveat: &caveat_ar,
                            },
                        ),
                    );
                } else if let Some((f, pi, k)) = self.bound(&inc.perpetrator, span) {
                    push(
                        out,
                        &t.periods[k].id,
                        Rule::PartyAttack,
                        grave_if_protected,
                        f * p_cov * factor,
                        distance(),
                        format!(
                            "{by} {what} on {when}, {}, during period {} ({}){}; {} is a party since {}{caveat}",
                            where_(),
                            t.periods[k].id,
                            self.period_window(k),
                            partial(f),
                            inc.perpetrator,
                            self.text.accepted[pi], what = what(), by = by(), when = when()),
                        arabic::party_attack(
                            Scene {
                                act: act_ar(),
                                when: when_ar(),
                                place: &where_ar(),
                            },
                            arabic::InPeriod {
                                id: &t.periods[k].id,
                                window: &self.text.periods_ar[k],
                                partial: &arabic::partial(f),
                                caveat: &caveat_ar,
                            },
                            &inc.perpetrator,
                            &self.text.accepted[pi],
                        ),
                    );
                }
            }
        }

        // Zones: demilitarised, areas of control, no-fly.
        for &(z, d) in &hits.zones {
            let zone = &t.zones[z as usize];
            if zone.kind == ZoneKind::CoveredArea
                || !Self::active(zone.status, adopt, Proposal::Zone(z as usize))
            {
                continue;
            }
            let restricted =
                zone.restricted.is_empty() || zone.restricted.contains(&inc.perpetrator);
            if !(restricted || unknown) {
                continue;
            }
            let (rule, applies) = match zone.kind {
                ZoneKind::NoFly => (Rule::NoFlyBreach, inc.kind == IncidentType::AirStrike),
                _ => (
                    Rule::ZoneBreach,
                    zone.forbidden.is_empty() || zone.forbidden.contains(&inc.kind),
                ),
            };
            if !applies {
                continue;
            }
            let (f, window, window_ar) = self.zone_time(z as usize, span);
            if f <= 0.0 {
                continue;
            }
            let p_in = inside_probability(d, radius);
            let d = inside(z, d);
            let list = &self.text.zone_restricted[z as usize];
            let attribution = if unknown && !zone.restricted.is_empty() {
                UNATTRIBUTED_FACTOR
            } else {
                1.0
            };
            let name = zone
                .name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let who = if unknown && rule == Rule::NoFlyBreach {
                format!("air_strike by an unknown aircraft on {}", target_text(inc))
            } else {
                format!("{by} {what}", what = what(), by = by())
            };
            let list_ar = &self.text.zone_restricted_ar[z as usize];
            let (who_ar, restricted_ar) = match (unknown, rule) {
                (true, Rule::NoFlyBreach) => (
                    arabic::unknown_aircraft(inc),
                    Restricted::UnknownFlying(list_ar),
                ),
                (true, _) => (act_ar().to_string(), Restricted::Unknown(list_ar)),
                (false, _) => (act_ar().to_string(), Restricted::Named(list_ar)),
            };
            let tail = if unknown {
                if rule == Rule::NoFlyBreach {
                    format!("; perpetrator unknown — restricted actors that fly there: {list}")
                } else {
                    format!("; perpetrator unknown — restricted there: {list}")
                }
            } else {
                format!("; restricted there: {list}")
            };
            push(
                out,
                &zone.id,
                rule,
                grave_if_protected,
                p_in * f * attribution,
                Some(d),
                format!(
                    "{who} on {when}, {} inside {} zone {}{name}, within its window ({window}){}{tail}",
                    depth(d, cap),
                    zone.kind.as_str(),
                    zone.id,
                    partial(f), when = when()),
                arabic::zone_breach(
                    &who_ar,
                    when_ar(),
                    arabic::InZone {
                        kind: zone.kind,
                        id: &zone.id,
                        name: zone.name.as_deref(),
                        depth: &arabic::depth(d, cap),
                        window: window_ar,
                        partial: &arabic::partial(f),
                    },
                    restricted_ar,
                ),
            );
        }

        // Humanitarian notifications.
        for &(n, d) in &hits.notes {
            let note = &t.notifications[n as usize];
            let (from, until) = self.notice_windows[n as usize];
            let f = span.fraction_in(from, until);
            if f <= 0.0 {
                continue;
            }
            let told: Vec<&str> = self.text.notices[n as usize]
                .iter()
                .filter(|x| x.0 < span.end)
                .map(|x| x.1.as_str())
                .collect();
            let told_ar: Vec<&str> = self.text.notices[n as usize]
                .iter()
                .filter(|x| x.0 < span.end)
                .map(|x| x.2.as_str())
                .collect();
            if told.is_empty() {
                continue;
            }
            let basis = match note.basis {
                Basis::Documented => "",
                Basis::Illustrative => " (illustrative notification, not on the public record)",
            };
            let window = &self.text.notice_windows[n as usize];
            let (rule, limit, place, protected_ar) = match &note.kind {
                NotificationKind::Site(s) => (
                    Rule::NotifiedSiteHit,
                    s.radius_km,
                    format!(
                        "from {} {} ({}; protected radius {})",
                        s.facility.as_str(),
                        note.name,
                        note.organisation,
                        km(s.radius_km)
                    ),
                    Protected::Site {
                        facility: s.facility,
                        radius_km: s.radius_km,
                    },
                ),
                NotificationKind::Movement(m) => (
                    Rule::NotifiedMovementHit,
                    m.corridor_km / 2.0,
                    format!(
                        "from the route of {} ({}; corridor {} wide)",
                        note.name,
                        note.organisation,
                        km(m.corridor_km)
                    ),
                    Protected::Movement {
                        corridor_km: m.corridor_km,
                    },
                ),
            };
            push(
                out,
                &note.id,
                rule,
                Severity::Grave,
                inside_probability(limit - d, radius) * f,
                Some(d),
                format!(
                    "deconfliction failure: {by} {what} on {when}, {} {place}, while notified ({window}){}; notified: {}{basis}",
                    km(d),
                    partial(f),
                    told.join(", "), what = what(), by = by(), when = when()),
                arabic::notified_hit(
                    act_ar(),
                    when_ar(),
                    d,
                    Notified {
                        what: protected_ar,
                        name: &note.name,
                        organisation: &note.organisation,
                        window: &self.text.notice_windows_ar[n as usize],
                        partial: &arabic::partial(f),
                        told: &arabic::notices(&told_ar),
                        illustrative: note.basis == Basis::Illustrative,
                    },
                ),
            );
        }
    }

    /// Share of the span inside a zone's window (its own, or the truce's periods), and the
    /// window as text, in English and in Arabic.
    fn zone_time(&self, z: usize, span: Span) -> (f64, &str, &str) {
        let zone = &self.truce.zones[z];
        if zone.window.is_open() {
            match self.period(span) {
                Some((f, k)) => (f, self.period_window(k), &self.text.periods_ar[k]),
                None => (0.0, "", ""),
            }
        } else {
            let (a, b) = self.zone_windows[z];
            (
                span.fraction_in(a, b),
                &self.text.zone_windows[z],
                &self.text.zone_windows_ar[z],
            )
        }
    }

    /// A designation's facts, for the Arabic explanations.
    fn listing(&self, di: usize) -> Listing<'_> {
        let d = &self.truce.designations[di];
        Listing {
            status: d.status,
            label: d.label(),
            listed_by: &d.listed_by,
            from: &self.text.listed_from[di],
        }
    }
}

/// The string in an allocation of its length. `format!` leaves up to half of a string's
/// capacity unused, and a check keeps every finding's explanation: copied once, the spare
/// room goes back to the allocator for the next finding instead of staying with this one
/// (measured with `hudna bench check`).
fn exact(s: String) -> String {
    if s.capacity() > s.len() {
        s.as_str().to_owned()
    } else {
        s
    }
}

fn partial(f: f64) -> String {
    if f < 0.995 {
        format!(", {} of the incident's time span inside", pct(f))
    } else {
        String::new()
    }
}

fn target_text(inc: &CheckedIncident) -> String {
    let mut s = inc.target.as_str().to_string();
    if let Some(a) = &inc.target_actor {
        s.push_str(&format!(" ({a}"));
        if let Some(g) = &inc.target_group {
            s.push_str(&format!(", {g}"));
        }
        s.push(')');
    }
    s
}

fn describe(inc: &CheckedIncident) -> String {
    format!("{} on {}", inc.kind.as_str(), target_text(inc))
}
