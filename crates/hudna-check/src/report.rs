//! Loads, checks and findings written for a person: short lines, the reason last.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hudna_store::{FindingChange, FindingFilter, Store, StoredFinding, TermRow};
use hudna_truce::Rule;
use serde::Serialize;

use crate::load::{LoadOutcome, Loaded};
use crate::run::TruceRun;
use crate::CheckError;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "2 periods, 7 parties, 4 designations (2 proposed), …".
pub fn terms_summary(terms: &[TermRow]) -> String {
    let kinds = [
        ("period", "period", "periods"),
        ("party", "party", "parties"),
        ("designation", "designation", "designations"),
        ("zone", "zone", "zones"),
        ("site", "notified site", "notified sites"),
        ("movement", "notified movement", "notified movements"),
    ];
    let mut parts = Vec::new();
    for (kind, one, many) in kinds {
        let of: Vec<&TermRow> = terms.iter().filter(|t| t.kind == kind).collect();
        if of.is_empty() {
            continue;
        }
        let proposed = of
            .iter()
            .filter(|t| t.status.as_deref() == Some("proposed"))
            .count();
        let mut p = plural(of.len(), one, many);
        if proposed > 0 {
            p.push_str(&format!(" ({proposed} proposed)"));
        }
        parts.push(p);
    }
    parts.join(", ")
}

fn changes_list(changes: &[hudna_truce::TermChange]) -> String {
    changes
        .iter()
        .map(|c| format!("{} {} {}", c.kind, c.id, c.change))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The term changes stored with a version (JSON), as `kind id change` phrases.
pub fn stored_changes(json: &str) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Change {
        kind: String,
        id: String,
        change: String,
    }
    serde_json::from_str::<Vec<Change>>(json)
        .unwrap_or_default()
        .into_iter()
        .map(|c| format!("{} {} {}", c.kind, c.id, c.change))
        .collect()
}

/// What `truce load` did, in a line or two.
pub fn load_text(l: &Loaded) -> String {
    match l.outcome {
        LoadOutcome::New => format!(
            "{}: stored as version {} (a new truce): {}",
            l.truce,
            l.version,
            terms_summary(&l.terms)
        ),
        LoadOutcome::Changed => {
            let mut s = format!(
                "{}: stored as version {} (was version {})",
                l.truce,
                l.version,
                l.previous.map_or("?".into(), |v| v.to_string())
            );
            if l.changes.is_empty() {
                s.push_str("; no term changed (only notes, names or sources)");
            } else {
                s.push_str(&format!("; changed: {}", changes_list(&l.changes)));
            }
            if let Some(n) = &l.note {
                s.push_str(&format!(
                    "\n  (the previous version could not be compared: {n})"
                ));
            }
            s
        }
        LoadOutcome::Unchanged => format!(
            "{}: unchanged — same content as the current version {}; nothing stored",
            l.truce, l.version
        ),
    }
}

fn finding_head(f: &StoredFinding) -> String {
    let proposal = f
        .proposal
        .as_ref()
        .map(|p| format!(" [{} {}]", p.term, p.effect.replace('_', " ")))
        .unwrap_or_default();
    format!(
        "incident {} {}/{} {} {} {:.2}{}",
        f.incident, f.truce, f.term, f.rule, f.severity, f.confidence, proposal
    )
}

/// What differs between two readings of a finding.
fn differences(a: &StoredFinding, b: &StoredFinding) -> String {
    let mut d = Vec::new();
    if a.severity != b.severity {
        d.push(format!("severity {} → {}", a.severity, b.severity));
    }
    if a.confidence != b.confidence {
        d.push(format!(
            "confidence {:.2} → {:.2}",
            a.confidence, b.confidence
        ));
    }
    if a.distance_km != b.distance_km {
        let km = |v: Option<f64>| v.map_or("none".into(), |v| format!("{v:.2} km"));
        d.push(format!(
            "distance {} → {}",
            km(a.distance_km),
            km(b.distance_km)
        ));
    }
    if a.explanation != b.explanation {
        d.push("explanation changed".into());
    }
    d.join(", ")
}

/// One line for a finding added (`+`), removed (`-`) or re-scored (`~`), with the reason.
pub fn change_line(c: &FindingChange) -> String {
    match (c.change.as_str(), &c.before, &c.after) {
        ("added", _, Some(a)) => format!("+ {} — {}", finding_head(a), c.reason),
        ("removed", Some(b), _) => format!("- {} — {}", finding_head(b), c.reason),
        (_, Some(b), Some(a)) => format!(
            "~ {} ({}) — {}",
            finding_head(a),
            differences(b, a),
            c.reason
        ),
        _ => format!("? {} — {}", c.change, c.reason),
    }
}

/// What a check did under one truce; at most `limit` changed findings are listed.
pub fn run_text(r: &TruceRun, limit: usize) -> String {
    let mut s = String::new();
    let _ = write!(s, "{} v{}", r.truce, r.version);
    match r.previous_version {
        None => s.push_str(" — first check of this truce"),
        Some(p) if p == r.version => s.push_str(" — terms unchanged since the last check"),
        Some(p) => {
            let _ = write!(s, " — the last check used v{p}");
            if !r.term_changes.is_empty() {
                let _ = write!(s, "; changed since: {}", changes_list(&r.term_changes));
            }
        }
    }
    if r.filed_notifications > 0 || r.filed_changed {
        let _ = write!(
            s,
            "\n  notifications filed through hudna judged with it: {}{}",
            r.filed_notifications,
            if r.filed_changed {
                " (changed since the last check: every incident judged again)"
            } else {
                ""
            }
        );
    }
    let _ = write!(
        s,
        "\n  incidents {} · judged now {} · not judged again {} · undated {} · without coordinates {} · gone from the record {}",
        r.incidents, r.evaluated, r.unchanged, r.undated, r.unlocated, r.gone
    );
    let _ = write!(
        s,
        "\n  findings {} · added {} · removed {} · re-scored {}   (run {}, {:.2} s)",
        r.findings, r.added, r.removed, r.changed, r.run, r.seconds
    );
    if r.changes.is_empty() {
        s.push_str("\n  no finding changed since the last check");
    }
    for c in r.changes.iter().take(limit) {
        let _ = write!(s, "\n  {}", change_line(c));
    }
    if r.changes.len() > limit {
        let _ = write!(
            s,
            "\n  … and {} more (all of them: `hudna check --json`; the findings: `hudna findings`)",
            r.changes.len() - limit
        );
    }
    s
}

/// Findings of a truce counted by rule and severity (terms in force), and what the
/// proposals would change, by proposed term and effect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    /// Findings under the terms in force.
    pub in_force: u64,
    /// rule → severity → count (terms in force).
    pub by_rule: BTreeMap<String, BTreeMap<String, u64>>,
    /// proposed term → effect → count.
    pub proposals: BTreeMap<String, BTreeMap<String, u64>>,
}

/// Counts the stored findings of `truce`.
pub fn count_findings(store: &mut dyn Store, truce: &str) -> Result<FindingCounts, CheckError> {
    let mut c = FindingCounts::default();
    store.findings(
        &FindingFilter {
            truce: Some(truce.to_string()),
            ..FindingFilter::default()
        },
        &mut |f| {
            match &f.proposal {
                None => {
                    c.in_force += 1;
                    *c.by_rule
                        .entry(f.rule.clone())
                        .or_default()
                        .entry(f.severity.clone())
                        .or_default() += 1;
                }
                Some(p) => {
                    *c.proposals
                        .entry(p.term.clone())
                        .or_default()
                        .entry(p.effect.clone())
                        .or_default() += 1;
                }
            }
            Ok(())
        },
    )?;
    Ok(c)
}

/// The counts as a small table: one line per rule (in the engine's rule order) with its
/// severities, then one per proposal.
pub fn counts_text(c: &FindingCounts) -> String {
    let mut s = format!("  {} findings under the terms in force", c.in_force);
    for rule in Rule::ALL {
        let Some(sev) = c.by_rule.get(rule.as_str()) else {
            continue;
        };
        let total: u64 = sev.values().sum();
        let order = ["grave", "serious", "review", "info"];
        let parts: Vec<String> = order
            .iter()
            .filter_map(|k| sev.get(*k).map(|n| format!("{n} {k}")))
            .collect();
        let _ = write!(
            s,
            "\n    {:<22} {:>5}   {}",
            rule.as_str(),
            total,
            parts.join(", ")
        );
    }
    if !c.proposals.is_empty() {
        s.push_str("\n  what the proposed terms would change, were they adopted");
        for (term, effects) in &c.proposals {
            let parts: Vec<String> = effects
                .iter()
                .map(|(e, n)| format!("{n} {}", e.replace('_', " ")))
                .collect();
            let _ = write!(s, "\n    {:<22} {}", term, parts.join(", "));
        }
    }
    s
}
