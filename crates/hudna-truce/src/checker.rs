//! Incremental checking: keep incidents and findings, re-evaluate only what a change can
//! touch, and say what changed.
//!
//! A monitoring record grows by a few incidents at a time, and truces change by a term at a
//! time (a group designated, a zone agreed). Re-checking everything on each change would
//! waste the engine's work and, worse, hide what the change did. The [`Checker`] keeps an
//! R-tree of where incidents are and an index of which actors they involve, so that:
//! - a new or edited incident is evaluated alone;
//! - a changed zone or notification re-evaluates only the incidents inside its box;
//! - a changed designation or party re-evaluates only the incidents of that actor;
//! - a changed period or covered area re-evaluates every incident of that truce;
//!
//! and every operation returns the [`FindingDiff`]: findings added, removed and re-scored.

use std::collections::{BTreeMap, BTreeSet};

use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::engine::{CompiledTruce, Engine, Hits};
use crate::finding::Finding;
use crate::incident::CheckedIncident;
use crate::model::{Truce, ZoneKind};

type Located = GeomWithData<[f64; 2], String>;

/// Findings added, removed and changed by an operation, each list in the deterministic
/// finding order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingDiff {
    /// New findings.
    pub added: Vec<Finding>,
    /// Findings that no longer hold.
    pub removed: Vec<Finding>,
    /// Findings that still hold but read differently: (before, after).
    pub changed: Vec<(Finding, Finding)>,
}

impl FindingDiff {
    /// `true` when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    fn absorb(&mut self, before: &[Finding], after: &[Finding]) {
        for a in after {
            match before.iter().find(|b| b.key() == a.key()) {
                None => self.added.push(a.clone()),
                Some(b) if b != a => self.changed.push((b.clone(), a.clone())),
                Some(_) => {}
            }
        }
        for b in before {
            if !after.iter().any(|a| a.key() == b.key()) {
                self.removed.push(b.clone());
            }
        }
    }

    fn sort(&mut self) {
        self.added.sort_by(Finding::order);
        self.removed.sort_by(Finding::order);
        self.changed.sort_by(|a, b| Finding::order(&a.1, &b.1));
    }
}

/// A term of a truce that differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermChange {
    /// What kind of term (`period`, `party`, `designation`, `zone`, `site`, `movement`).
    pub kind: &'static str,
    /// Its id (`party:CODE` for parties).
    pub id: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
}

/// Incidents, truces and findings kept between runs; see the module documentation.
#[derive(Debug)]
pub struct Checker {
    engine: Engine,
    incidents: BTreeMap<String, CheckedIncident>,
    findings: BTreeMap<String, Vec<Finding>>,
    located: RTree<Located>,
    by_actor: FxHashMap<String, BTreeSet<String>>,
    evaluations: usize,
}

impl Checker {
    /// A checker with these truces and no incidents yet.
    pub fn new(truces: Vec<Truce>) -> Checker {
        Checker {
            engine: Engine::new(truces),
            incidents: BTreeMap::new(),
            findings: BTreeMap::new(),
            located: RTree::new(),
            by_actor: FxHashMap::default(),
            evaluations: 0,
        }
    }

    /// The compiled truces.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// How many incident evaluations have been run since the checker was made (one per
    /// incident per truce). Lets callers and tests see that a change re-evaluated only what
    /// it had to.
    pub fn evaluations(&self) -> usize {
        self.evaluations
    }

    /// Every finding, in the deterministic order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.values().flatten()
    }

    /// The incident with this id.
    pub fn incident(&self, id: &str) -> Option<&CheckedIncident> {
        self.incidents.get(id)
    }

    fn index(&mut self, inc: &CheckedIncident) {
        if let Some((lon, lat)) = inc.location() {
            self.located
                .insert(GeomWithData::new([lon, lat], inc.id.clone()));
        }
        for a in std::iter::once(&inc.perpetrator).chain(inc.target_actor.as_ref()) {
            self.by_actor
                .entry(a.clone())
                .or_default()
                .insert(inc.id.clone());
        }
    }

    fn unindex(&mut self, inc: &CheckedIncident) {
        if let Some((lon, lat)) = inc.location() {
            self.located
                .remove(&GeomWithData::new([lon, lat], inc.id.clone()));
        }
        for a in std::iter::once(&inc.perpetrator).chain(inc.target_actor.as_ref()) {
            if let Some(s) = self.by_actor.get_mut(a) {
                s.remove(&inc.id);
            }
        }
    }

    /// Adds incidents or replaces those with the same id. Unchanged incidents are not
    /// evaluated again.
    pub fn upsert(&mut self, incidents: impl IntoIterator<Item = CheckedIncident>) -> FindingDiff {
        let mut diff = FindingDiff::default();
        for inc in incidents {
            if self.incidents.get(&inc.id) == Some(&inc) {
                continue;
            }
            if let Some(old) = self.incidents.remove(&inc.id) {
                self.unindex(&old);
            }
            self.index(&inc);
            let mut after = Vec::new();
            self.engine.check_incident(&inc, &mut after);
            self.evaluations += self.engine.truces.len();
            let before = self.findings.remove(&inc.id).unwrap_or_default();
            diff.absorb(&before, &after);
            if !after.is_empty() {
                self.findings.insert(inc.id.clone(), after);
            }
            self.incidents.insert(inc.id.clone(), inc);
        }
        diff.sort();
        diff
    }

    /// Puts incidents back with the findings an earlier run gave them, without evaluating
    /// them. This is how a checker is rebuilt from a stored record: restored under the truce
    /// version those findings were judged by, then given the new version with
    /// [`Checker::replace_truce`], it re-evaluates only the incidents the changed terms can
    /// reach. The findings are trusted as given (they must be what the current truces say).
    pub fn restore(
        &mut self,
        incidents: impl IntoIterator<Item = (CheckedIncident, Vec<Finding>)>,
    ) {
        for (inc, mut findings) in incidents {
            if let Some(old) = self.incidents.remove(&inc.id) {
                self.unindex(&old);
            }
            self.index(&inc);
            findings.sort_by(Finding::order);
            if findings.is_empty() {
                self.findings.remove(&inc.id);
            } else {
                self.findings.insert(inc.id.clone(), findings);
            }
            self.incidents.insert(inc.id.clone(), inc);
        }
    }

    /// The findings of one incident, in the deterministic order.
    pub fn findings_of(&self, id: &str) -> &[Finding] {
        self.findings.get(id).map_or(&[], Vec::as_slice)
    }

    /// Removes incidents, with their findings.
    pub fn remove(&mut self, ids: &[&str]) -> FindingDiff {
        let mut diff = FindingDiff::default();
        for id in ids {
            if let Some(old) = self.incidents.remove(*id) {
                self.unindex(&old);
                let before = self.findings.remove(*id).unwrap_or_default();
                diff.absorb(&before, &[]);
            }
        }
        diff.sort();
        diff
    }

    /// Adds a truce, or replaces the truce with the same id, and re-evaluates the incidents
    /// its changed terms can touch. Returns the changed terms and the findings' diff.
    pub fn replace_truce(&mut self, truce: Truce) -> (Vec<TermChange>, FindingDiff) {
        let slot = self
            .engine
            .truces
            .iter()
            .position(|t| t.truce.id == truce.id);
        let (changes, affected) = match slot {
            None => (
                truce
                    .term_ids()
                    .into_iter()
                    .map(|(id, kind)| TermChange {
                        kind,
                        id: id.to_string(),
                        change: "added",
                    })
                    .collect(),
                self.incidents.keys().cloned().collect::<BTreeSet<String>>(),
            ),
            Some(i) => self.affected(&self.engine.truces[i].truce, &truce),
        };
        let id = truce.id.clone();
        let compiled = CompiledTruce::new(truce);
        let index = match slot {
            Some(i) => {
                self.engine.truces[i] = compiled;
                i
            }
            None => {
                self.engine.truces.push(compiled);
                self.engine.truces.len() - 1
            }
        };
        let mut diff = FindingDiff::default();
        let mut hits = Hits::default();
        for inc_id in affected {
            let Some(inc) = self.incidents.get(&inc_id) else {
                continue;
            };
            let mut after = Vec::new();
            self.engine.truces[index].check_into(inc, false, &mut hits, &mut after);
            self.evaluations += 1;
            let entry = self.findings.entry(inc_id).or_default();
            let before: Vec<Finding> = entry.iter().filter(|f| f.truce == id).cloned().collect();
            diff.absorb(&before, &after);
            entry.retain(|f| f.truce != id);
            entry.extend(after);
            entry.sort_by(Finding::order);
        }
        self.findings.retain(|_, v| !v.is_empty());
        diff.sort();
        (changes, diff)
    }

    fn in_box(&self, b: ([f64; 2], [f64; 2]), out: &mut BTreeSet<String>) {
        for p in self
            .located
            .locate_in_envelope(&AABB::from_corners(b.0, b.1))
        {
            out.insert(p.data.clone());
        }
    }

    fn of_actor(&self, actor: &str, out: &mut BTreeSet<String>) {
        if let Some(s) = self.by_actor.get(actor) {
            out.extend(s.iter().cloned());
        }
    }

    /// Which terms differ between two versions of a truce, and which incidents they touch.
    fn affected(&self, old: &Truce, new: &Truce) -> (Vec<TermChange>, BTreeSet<String>) {
        let mut changes = Vec::new();
        let mut out = BTreeSet::new();
        let mut everything = false;
        let mut note = |kind: &'static str, id: &str, change: &'static str| {
            changes.push(TermChange {
                kind,
                id: id.to_string(),
                change,
            })
        };

        // Periods: any change moves the truce's scope in time.
        for (id, a, b) in pair_by_id(&old.periods, &new.periods, |p| &p.id) {
            if let Some(change) = compare(a, b) {
                note("period", id, change);
                everything = true;
            }
        }
        // Parties, by actor.
        let actors: BTreeSet<&str> = old
            .parties
            .iter()
            .chain(&new.parties)
            .map(|p| p.actor.as_str())
            .collect();
        for actor in actors {
            let a: Vec<_> = old.parties.iter().filter(|p| p.actor == actor).collect();
            let b: Vec<_> = new.parties.iter().filter(|p| p.actor == actor).collect();
            let change = match (a.is_empty(), b.is_empty()) {
                (true, false) => Some("added"),
                (false, true) => Some("removed"),
                _ if a != b => Some("changed"),
                _ => None,
            };
            if let Some(change) = change {
                note("party", &format!("party:{actor}"), change);
                self.of_actor(actor, &mut out);
            }
        }
        // Designations: the incidents of the actors involved.
        for (id, a, b) in pair_by_id(&old.designations, &new.designations, |d| &d.id) {
            if let Some(change) = compare(a, b) {
                note("designation", id, change);
                for d in a.into_iter().chain(b) {
                    self.of_actor(&d.actor, &mut out);
                }
            }
        }
        // Zones: the incidents inside the old and new boxes; covered areas move the whole
        // scope.
        for (id, a, b) in pair_by_id(&old.zones, &new.zones, |z| &z.id) {
            if let Some(change) = compare(a, b) {
                note("zone", id, change);
                for z in a.into_iter().chain(b) {
                    if z.kind == ZoneKind::CoveredArea {
                        everything = true;
                    }
                    if let Some(r) = geo::BoundingRect::bounding_rect(&z.geometry) {
                        self.in_box(([r.min().x, r.min().y], [r.max().x, r.max().y]), &mut out);
                    }
                }
            }
        }
        for (id, a, b) in pair_by_id(&old.notifications, &new.notifications, |n| &n.id) {
            if let Some(change) = compare(a, b) {
                let kind = match &a.or(b).map(|n| &n.kind) {
                    Some(crate::model::NotificationKind::Movement(_)) => "movement",
                    _ => "site",
                };
                note(kind, id, change);
                for n in a.into_iter().chain(b) {
                    self.in_box(CompiledTruce::notification_box(n), &mut out);
                }
            }
        }
        if everything {
            out = self.incidents.keys().cloned().collect();
        }
        (changes, out)
    }
}

/// Pairs terms of two versions by id: (id, old, new).
fn pair_by_id<'a, T>(
    old: &'a [T],
    new: &'a [T],
    id: impl Fn(&T) -> &String,
) -> Vec<(&'a str, Option<&'a T>, Option<&'a T>)> {
    let mut ids: Vec<&'a str> = old.iter().chain(new).map(|t| id(t).as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|i| {
            (
                i,
                old.iter().find(|t| id(t) == i),
                new.iter().find(|t| id(t) == i),
            )
        })
        .collect()
}

fn compare<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> Option<&'static str> {
    match (a, b) {
        (None, Some(_)) => Some("added"),
        (Some(_), None) => Some("removed"),
        (Some(x), Some(y)) if x != y => Some("changed"),
        _ => None,
    }
}
