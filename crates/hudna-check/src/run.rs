//! `hudna check`: every consolidated incident judged against the stored truces, incrementally,
//! with what changed since the last run.
//!
//! For one truce, the incidents fall into four groups:
//! 1. judged before under the current version, and unchanged since (same hash): skipped;
//! 2. judged before, unchanged, but under an older version: put back into a
//!    [`Checker`] with their stored findings under that version, which is then given the
//!    current version — only the incidents the changed terms can reach are judged again;
//! 3. new to the check, or changed in the record (another report moved its place, its day,
//!    its perpetrator): judged in full;
//! 4. judged before but no longer in the record (merged into another incident): their
//!    findings are removed.
//!
//! Findings stored before hudna wrote explanations in Arabic as well (schema step 7) have
//! none; their incidents are judged again in full once, so the record gains the Arabic. A
//! finding whose Arabic explanation alone differs is rewritten but not reported as changed:
//! the Arabic restates the English, so nothing was judged differently.
//!
//! Each finding added, removed or re-scored is logged with the run and the reason. The
//! whole run for a truce is one transaction, so a check that fails leaves the last one's
//! findings as they were.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use hudna_store::{
    CheckRun, CheckState, FindingChange, IncidentFilter, IncidentRecord, Store, StoredFinding,
};
use hudna_truce::{ActorCodes, CheckedIncident, Checker, Engine, Finding, TermChange, Truce};
use serde::Serialize;

use crate::convert::{checked_incident, from_stored, incident_hash, to_stored};
use crate::load::{stored_truce, term_changes};
use crate::CheckError;

/// What one `check` did, truce by truce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// One entry per truce judged, by truce id.
    pub runs: Vec<TruceRun>,
}

/// What a check did under one truce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TruceRun {
    /// The run's id in the record.
    pub run: i64,
    /// The truce.
    pub truce: String,
    /// The version judged by.
    pub version: u32,
    /// The version the previous run judged by (`None`: the first check of this truce).
    pub previous_version: Option<u32>,
    /// Incidents in the record.
    pub incidents: u64,
    /// Incidents judged in this run.
    pub evaluated: u64,
    /// Incidents not judged again: unchanged since they were judged under this version's
    /// terms, or out of reach of the terms that changed.
    pub unchanged: u64,
    /// Incidents without any date (not judged).
    pub undated: u64,
    /// Incidents without coordinates (not judged).
    pub unlocated: u64,
    /// Incidents judged before and no longer in the record.
    pub gone: u64,
    /// Findings under this truce after the run.
    pub findings: u64,
    /// Findings added.
    pub added: u64,
    /// Findings removed.
    pub removed: u64,
    /// Findings re-scored.
    pub changed: u64,
    /// Terms changed since the previous run.
    pub term_changes: Vec<TermChange>,
    /// Notifications filed through hudna judged with the truce's own ([`crate::filed`]).
    pub filed_notifications: u64,
    /// Whether they changed since the previous run (then every incident was judged again).
    pub filed_changed: bool,
    /// Every finding added, removed or re-scored, with the reason.
    pub changes: Vec<FindingChange>,
    /// Wall time of the run.
    pub seconds: f64,
}

/// Judges the record against every stored truce (or only `only`) and stores the findings.
/// `now` (RFC 3339) stamps the runs.
pub fn check(
    store: &mut dyn Store,
    actors: &ActorCodes,
    only: Option<&str>,
    now: &str,
) -> Result<CheckReport, CheckError> {
    let list = store.truce_list()?;
    if list.is_empty() {
        return Err(CheckError::NoTruce);
    }
    let ids: Vec<String> = match only {
        Some(id) => {
            if !list.iter().any(|t| t.id == id) {
                return Err(CheckError::UnknownTruce {
                    id: id.to_string(),
                    known: list.iter().map(|t| t.id.clone()).collect(),
                });
            }
            vec![id.to_string()]
        }
        None => list.iter().map(|t| t.id.clone()).collect(),
    };
    let mut incidents: Vec<IncidentRecord> = Vec::new();
    store.incidents(&IncidentFilter::default(), &mut |i| {
        incidents.push(i.clone());
        Ok(())
    })?;
    let mut runs = Vec::with_capacity(ids.len());
    for id in ids {
        store.begin()?;
        match check_one(store, actors, &id, &incidents, now) {
            Ok(run) => {
                store.commit()?;
                runs.push(run);
            }
            Err(e) => {
                let _ = store.rollback();
                return Err(e);
            }
        }
    }
    Ok(CheckReport { runs })
}

/// Why an incident is judged again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    New,
    Changed,
    /// Judged under this older version, which could not be compared term by term.
    Version(u32),
    /// The notifications filed through hudna for the truce changed since the last check.
    Filed,
    /// Its findings were stored without their Arabic explanations.
    Arabic,
}

/// An incident's findings before and after, when they differ.
struct Outcome {
    incident: i64,
    before: Vec<StoredFinding>,
    after: Vec<Finding>,
    reason: String,
}

fn check_one(
    store: &mut dyn Store,
    actors: &ActorCodes,
    id: &str,
    incidents: &[IncidentRecord],
    now: &str,
) -> Result<TruceRun, CheckError> {
    let started = Instant::now();
    let current = store
        .truce_version(id, None)?
        .ok_or_else(|| CheckError::UnknownTruce {
            id: id.to_string(),
            known: Vec::new(),
        })?;
    let version = current.version;
    // The truce as its file says, and as it is judged: with the notifications filed through
    // hudna for it (the same ones on both sides of a version comparison below).
    let file_truce = stored_truce(&current, actors)?;
    let (filed, filed_print) = crate::filed::filed_for(store, id)?;
    let filed_before = store
        .meta(&crate::filed::meta_key(id))?
        .unwrap_or_else(|| crate::filed::NONE.to_string());
    let filed_changed = filed_before != filed_print;
    let mut truce = file_truce.clone();
    truce.notifications.extend(filed.iter().cloned());
    let offset = truce.utc_offset;
    let previous_version = store
        .check_runs(Some(id), 1)?
        .first()
        .map(|r| r.truce_version);
    let state: HashMap<i64, CheckState> = store
        .check_state(id)?
        .into_iter()
        .map(|s| (s.incident, s))
        .collect();
    let mut stored: BTreeMap<i64, Vec<StoredFinding>> = BTreeMap::new();
    let mut findings_before = 0u64;
    for f in store.truce_findings(id)? {
        findings_before += 1;
        stored.entry(f.incident).or_default().push(f);
    }

    // Sort the record's incidents into the groups of the module documentation.
    let (mut undated, mut unlocated) = (0u64, 0u64);
    let mut fresh: Vec<(CheckedIncident, Why)> = Vec::new();
    let mut stale: BTreeMap<u32, Vec<CheckedIncident>> = BTreeMap::new();
    let mut present: HashSet<i64> = HashSet::with_capacity(incidents.len());
    let mut new_state: Vec<CheckState> = Vec::new();
    for rec in incidents {
        let c = checked_incident(rec, offset);
        let hash = incident_hash(&c);
        if c.date.is_none() {
            undated += 1;
        } else if c.lat.is_none() || c.lon.is_none() {
            unlocated += 1;
        }
        present.insert(rec.public_id);
        let row = CheckState {
            incident: rec.public_id,
            hash,
            version,
        };
        match state.get(&rec.public_id) {
            None => {
                fresh.push((c, Why::New));
                new_state.push(row);
            }
            Some(s) if s.hash != hash => {
                fresh.push((c, Why::Changed));
                new_state.push(row);
            }
            Some(_) if filed_changed => {
                fresh.push((c, Why::Filed));
                new_state.push(row);
            }
            Some(s) if s.version != version => {
                stale.entry(s.version).or_default().push(c);
                new_state.push(row);
            }
            Some(_)
                if stored
                    .get(&rec.public_id)
                    .is_some_and(|v| v.iter().any(|f| f.explanation_ar.is_empty())) =>
            {
                fresh.push((c, Why::Arabic));
            }
            Some(_) => {}
        }
    }
    let mut gone: Vec<i64> = state
        .keys()
        .filter(|k| !present.contains(k))
        .copied()
        .collect();
    gone.sort_unstable();

    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut evaluated = 0u64;

    // 2. Judged under an older version: only what the changed terms reach.
    for (old_version, group) in stale {
        let old = store
            .truce_version(id, Some(old_version))?
            .map(|v| stored_truce(&v, actors));
        let old = match old {
            Some(Ok(mut t)) if t.utc_offset == offset => {
                t.notifications.extend(filed.iter().cloned());
                t
            }
            // Not comparable term by term: judge the group in full.
            _ => {
                fresh.extend(group.into_iter().map(|c| (c, Why::Version(old_version))));
                continue;
            }
        };
        let reason = version_reason(id, old_version, version, &term_changes(&old, &truce));
        let mut checker = Checker::new(vec![old]);
        let mut restored = Vec::with_capacity(group.len());
        for c in group {
            let pid = parse_id(&c.id)?;
            let before = stored
                .get(&pid)
                .map(|v| v.iter().map(from_stored).collect::<Result<Vec<_>, _>>())
                .transpose()?
                .unwrap_or_default();
            restored.push((c, before));
        }
        checker.restore(restored);
        let (_, diff) = checker.replace_truce(truce.clone());
        evaluated += checker.evaluations() as u64;
        let mut touched: Vec<i64> = diff
            .added
            .iter()
            .chain(&diff.removed)
            .chain(diff.changed.iter().map(|(_, a)| a))
            .map(|f| parse_id(&f.incident))
            .collect::<Result<_, _>>()?;
        touched.sort_unstable();
        touched.dedup();
        for pid in touched {
            outcomes.push(Outcome {
                incident: pid,
                before: stored.get(&pid).cloned().unwrap_or_default(),
                after: checker.findings_of(&pid.to_string()).to_vec(),
                reason: reason.clone(),
            });
        }
    }

    // 3. New and changed incidents: judged in full.
    if !fresh.is_empty() {
        let engine = Engine::new(vec![truce.clone()]);
        let mut after = Vec::new();
        for (c, why) in &fresh {
            after.clear();
            engine.check_incident(c, &mut after);
            evaluated += 1;
            let pid = parse_id(&c.id)?;
            let before = stored.get(&pid).cloned().unwrap_or_default();
            let reason = match why {
                Why::New => format!("incident {pid} judged for the first time"),
                Why::Changed => format!("incident {pid} changed in the record"),
                Why::Filed => format!(
                    "the notifications filed through hudna for truce {id} changed, so \
                     incident {pid} was judged again in full"
                ),
                Why::Arabic => format!(
                    "incident {pid} was judged before findings were explained in Arabic, and \
                     again in full to add the Arabic"
                ),
                Why::Version(v) => format!(
                    "truce {id} v{v} → v{version}: the old version could not be compared term \
                     by term, so the incident was judged again in full"
                ),
            };
            outcomes.push(Outcome {
                incident: pid,
                before,
                after: after.clone(),
                reason,
            });
        }
    }

    // 4. Gone from the record.
    for pid in &gone {
        let reason = match store.resolve_public_id(*pid)? {
            Some(into) if into != *pid => {
                format!("incident {pid} is no longer in the record: merged into incident {into}")
            }
            _ => format!("incident {pid} is no longer in the record"),
        };
        outcomes.push(Outcome {
            incident: *pid,
            before: stored.get(pid).cloned().unwrap_or_default(),
            after: Vec::new(),
            reason,
        });
    }

    // Compare, then write.
    let mut changes: Vec<(Key, FindingChange)> = Vec::new();
    let mut writes: Vec<(i64, Vec<StoredFinding>)> = Vec::new();
    let run_id = -1; // placeholder until the run row exists; fixed below
    for o in &outcomes {
        let (list, rows, rewrite) = compare(o, version, run_id)?;
        if !list.is_empty() || rewrite {
            changes.extend(list);
            writes.push((o.incident, rows));
        }
    }
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    let count = |kind: &str| changes.iter().filter(|(_, c)| c.change == kind).count() as u64;
    let (added, removed, changed) = (count("added"), count("removed"), count("changed"));
    let term_changes_now = match previous_version {
        Some(p) if p != version => match store.truce_version(id, Some(p))? {
            Some(v) => match stored_truce(&v, actors) {
                Ok(old) => term_changes(&old, &file_truce),
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut run = CheckRun {
        id: 0,
        truce: id.to_string(),
        truce_version: version,
        previous_version,
        started_at: now.to_string(),
        seconds: 0.0,
        incidents: incidents.len() as u64,
        evaluated,
        undated,
        unlocated,
        gone: gone.len() as u64,
        findings: (findings_before + added).saturating_sub(removed),
        added,
        removed,
        changed,
        term_changes: serde_json::to_string(&term_changes_now).unwrap_or_else(|_| "[]".into()),
    };
    run.seconds = started.elapsed().as_secs_f64();
    let run_id = store.insert_check_run(&run)?;
    // Stamp this run on what it wrote.
    let stamp = |f: &mut StoredFinding| {
        if f.run < 0 {
            f.run = run_id;
        }
        if f.first_run < 0 {
            f.first_run = run_id;
        }
    };
    let mut changes: Vec<FindingChange> = changes.into_iter().map(|(_, c)| c).collect();
    for c in &mut changes {
        if let Some(a) = c.after.as_mut() {
            stamp(a);
        }
    }
    for (pid, mut rows) in writes {
        rows.iter_mut().for_each(stamp);
        store.replace_findings(id, pid, &rows)?;
    }
    store.put_check_state(id, &new_state)?;
    store.forget_incidents(id, &gone)?;
    store.set_checked_version(id, version)?;
    if filed_changed {
        store.set_meta(&crate::filed::meta_key(id), &filed_print)?;
    }
    store.log_finding_changes(run_id, &changes)?;
    Ok(TruceRun {
        run: run_id,
        truce: id.to_string(),
        version,
        previous_version,
        incidents: run.incidents,
        evaluated,
        unchanged: (incidents.len() as u64).saturating_sub(evaluated),
        undated,
        unlocated,
        gone: run.gone,
        findings: run.findings,
        added,
        removed,
        changed,
        term_changes: term_changes_now,
        filed_notifications: filed.len() as u64,
        filed_changed,
        changes,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The order changes are listed in: incident, proposal, rule, term.
type Key = (i64, String, String, String, String);

fn key_of(f: &StoredFinding) -> Key {
    let (pt, pe) = f
        .proposal
        .as_ref()
        .map_or((String::new(), String::new()), |p| {
            (p.term.clone(), p.effect.clone())
        });
    (f.incident, pt, pe, f.rule.clone(), f.term.clone())
}

/// The changes of one incident's findings (with their sort keys), its rows to store, and
/// whether they must be stored even without a change (an Arabic explanation added or
/// reworded).
type Compared = (Vec<(Key, FindingChange)>, Vec<StoredFinding>, bool);

/// The changes of one incident's findings, and the rows to store for it. Findings written
/// by this run carry `run` (negative: stamped once the run has its id). A finding whose
/// Arabic explanation alone differs is no change: it keeps its run, and is rewritten.
fn compare(o: &Outcome, version: u32, run: i64) -> Result<Compared, CheckError> {
    let before: BTreeMap<Key, &StoredFinding> = o.before.iter().map(|f| (key_of(f), f)).collect();
    let mut rows = Vec::with_capacity(o.after.len());
    let mut list = Vec::new();
    let mut seen: HashSet<Key> = HashSet::new();
    let mut rewrite = false;
    for f in &o.after {
        let mut row = to_stored(f, version, run, run)?;
        let key = key_of(&row);
        seen.insert(key.clone());
        match before.get(&key) {
            None => list.push((
                key,
                FindingChange {
                    change: "added".into(),
                    before: None,
                    after: Some(row.clone()),
                    reason: o.reason.clone(),
                },
            )),
            Some(old) => {
                row.first_run = old.first_run;
                let mut was = from_stored(old)?;
                let arabic = was.explanation_ar != f.explanation_ar;
                was.explanation_ar.clone_from(&f.explanation_ar);
                if was == *f {
                    row.run = old.run;
                    rewrite |= arabic;
                } else {
                    list.push((
                        key,
                        FindingChange {
                            change: "changed".into(),
                            before: Some((*old).clone()),
                            after: Some(row.clone()),
                            reason: o.reason.clone(),
                        },
                    ));
                }
            }
        }
        rows.push(row);
    }
    for (key, old) in &before {
        if !seen.contains(key) {
            list.push((
                key.clone(),
                FindingChange {
                    change: "removed".into(),
                    before: Some((*old).clone()),
                    after: None,
                    reason: o.reason.clone(),
                },
            ));
        }
    }
    Ok((list, rows, rewrite))
}

fn parse_id(s: &str) -> Result<i64, CheckError> {
    s.parse().map_err(|_| CheckError::BadFinding {
        incident: 0,
        truce: String::new(),
        what: format!("`{s}` is not a public incident id"),
    })
}

fn version_reason(id: &str, from: u32, to: u32, changes: &[TermChange]) -> String {
    let what: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {} {}", c.kind, c.id, c.change))
        .collect();
    if what.is_empty() {
        format!("truce {id} v{from} → v{to}")
    } else {
        format!("truce {id} v{from} → v{to}: {}", what.join(", "))
    }
}

/// The truces a check would judge, for callers that want to say so first.
pub fn truce_ids(store: &mut dyn Store) -> Result<Vec<String>, CheckError> {
    Ok(store.truce_list()?.into_iter().map(|t| t.id).collect())
}

/// The truce as the current stored version says, for callers that show its terms.
pub fn current_truce(
    store: &mut dyn Store,
    id: &str,
    actors: &ActorCodes,
) -> Result<Truce, CheckError> {
    let v = store
        .truce_version(id, None)?
        .ok_or_else(|| CheckError::UnknownTruce {
            id: id.to_string(),
            known: Vec::new(),
        })?;
    stored_truce(&v, actors)
}

#[cfg(test)]
mod tests;
