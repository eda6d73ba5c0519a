//! Findings out of the record: JSON Lines (one finding a line, as stored) or CSV (one
//! column per field, proposals flattened), filtered by truce and rule.

use std::io::Write;

use hudna_store::{FindingFilter, Store, StoreError, StoredFinding};
use hudna_truce::Rule;

use crate::CheckError;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line.
    Jsonl,
    /// A header row, then one row a finding.
    Csv,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            _ => Err(format!("unknown format `{s}` (expected jsonl or csv)")),
        }
    }
}

/// The CSV columns, in order. Columns are only ever added at the end (`explanation_ar`
/// came last), so that readers that pick columns by position keep working.
pub const CSV_HEADER: &[&str] = &[
    "incident",
    "truce",
    "truce_version",
    "term",
    "rule",
    "severity",
    "confidence",
    "distance_km",
    "proposal_term",
    "proposal_effect",
    "explanation",
    "first_run",
    "run",
    "explanation_ar",
];

/// Checks a filter against what exists, so that a misspelt rule or truce is an error that
/// lists what is accepted rather than an empty export.
pub fn validate_filter(store: &mut dyn Store, filter: &FindingFilter) -> Result<(), CheckError> {
    if let Some(r) = &filter.rule {
        if Rule::parse(r).is_none() {
            return Err(CheckError::UnknownRule {
                rule: r.clone(),
                known: Rule::ALL.iter().map(|r| r.as_str().to_string()).collect(),
            });
        }
    }
    if let Some(t) = &filter.truce {
        let known: Vec<String> = store.truce_list()?.into_iter().map(|t| t.id).collect();
        if !known.contains(t) {
            return Err(CheckError::UnknownTruce {
                id: t.clone(),
                known,
            });
        }
    }
    Ok(())
}

fn row(f: &StoredFinding) -> Vec<String> {
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let (pt, pe) = f
        .proposal
        .as_ref()
        .map_or((String::new(), String::new()), |p| {
            (p.term.clone(), p.effect.clone())
        });
    vec![
        f.incident.to_string(),
        f.truce.clone(),
        f.truce_version.to_string(),
        f.term.clone(),
        f.rule.clone(),
        f.severity.clone(),
        f.confidence.to_string(),
        opt(f.distance_km),
        pt,
        pe,
        f.explanation.clone(),
        f.first_run.to_string(),
        f.run.to_string(),
        f.explanation_ar.clone(),
    ]
}

/// Writes the findings that pass `filter` (checked first) to `out`, by incident, truce and
/// key. Returns how many were written.
pub fn write_findings(
    store: &mut dyn Store,
    filter: &FindingFilter,
    format: Format,
    out: &mut dyn Write,
) -> Result<u64, CheckError> {
    validate_filter(store, filter)?;
    let werr = |e: &dyn std::fmt::Display| StoreError::Visitor(e.to_string());
    let n = match format {
        Format::Jsonl => store.findings(filter, &mut |f| {
            serde_json::to_writer(&mut *out, f).map_err(|e| werr(&e))?;
            out.write_all(b"\n").map_err(|e| werr(&e))?;
            Ok(())
        })?,
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(CSV_HEADER)
                .map_err(|e| CheckError::Write(e.to_string()))?;
            let n = store.findings(filter, &mut |f| {
                w.write_record(row(f)).map_err(|e| werr(&e))?;
                Ok(())
            })?;
            w.flush().map_err(|e| CheckError::Write(e.to_string()))?;
            n
        }
    };
    Ok(n)
}
