//! A synthetic log of any size, built and verified with timings.
//!
//! `hudna audit verify` reads the whole log every time, so its cost grows with the record's
//! history; this measures it without a database. [`run`] builds a chain of `entries` entries
//! over a quarter as many records of four kinds (each record created once, then updated),
//! then times, separately:
//!
//! - building it ([`Entry::next`]: canonical JSON and SHA-256 per entry);
//! - verifying it from table rows ([`AuditRow`] → [`AuditRow::parse`] →
//!   [`ChainVerifier::push`]), which is what the command does after SQLite hands it a row;
//! - verifying the parsed entries alone ([`verify_chain`]);
//! - checking every record's row hash against the log ([`verify_rows`]).
//!
//! Reading the rows out of SQLite and hashing the records' own rows are not included: they
//! belong to the store and depend on its schema.
//!
//! Run it with `cargo run --release -p hudna-audit --example bench_audit -- 1000000`; the last
//! line printed is one JSON object.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use sha2::{Digest, Sha256};

use crate::entry::{Actor, AuditRow, Entry, EntryError, Hash, Head, NewEntry};
use crate::verify::{verify_chain, verify_rows, ChainError, ChainVerifier, RowError};

/// Timings of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    /// Entries in the log.
    pub entries: u64,
    /// Records they describe.
    pub records: u64,
    /// Bytes of canonical JSON hashed per verification.
    pub canonical_bytes: u64,
    /// Seconds to build the chain.
    pub build_seconds: f64,
    /// Seconds to verify from table rows (parse and chain).
    pub verify_rows_parsed_seconds: f64,
    /// Seconds to verify the parsed entries.
    pub verify_chain_seconds: f64,
    /// Seconds to compare every record's hash with the log.
    pub verify_records_seconds: f64,
}

impl BenchReport {
    /// Entries verified per second from table rows.
    pub fn entries_per_second(&self) -> f64 {
        self.entries as f64 / self.verify_rows_parsed_seconds.max(1e-9)
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "bench": "audit",
            "entries": self.entries,
            "records": self.records,
            "canonical_mb": self.canonical_bytes as f64 / 1e6,
            "build_s": round3(self.build_seconds),
            "verify_from_rows_s": round3(self.verify_rows_parsed_seconds),
            "verify_chain_only_s": round3(self.verify_chain_seconds),
            "verify_records_s": round3(self.verify_records_seconds),
            "entries_per_s": self.entries_per_second().round(),
        })
        .to_string()
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A run that failed: the synthetic log did not verify (a bug, not a measurement).
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Building an entry failed.
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// A row did not parse.
    #[error(transparent)]
    Row(#[from] crate::RowParseError),
    /// The chain did not verify.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The records did not verify.
    #[error(transparent)]
    Records(#[from] RowError),
}

const KINDS: [&str; 4] = ["incident", "truce", "zone", "notification"];
const ACTIONS: [&str; 4] = ["update", "regrade", "withdraw", "supersede"];

/// Builds a log of `entries` entries and times its verification.
pub fn run(entries: u64) -> Result<BenchReport, BenchError> {
    let records = (entries / 4).max(1);
    let start_time = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    // Deterministic choice of which record each entry touches.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next_random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut current: Vec<Option<Hash>> = vec![None; records as usize];
    let mut created = 0u64;

    let t = Instant::now();
    let mut log: Vec<Entry> = Vec::with_capacity(entries as usize);
    let mut head: Option<Head> = None;
    for seq in 1..=entries {
        // Create the records in order at first; afterwards, mostly update existing ones.
        let r = if created < records
            && (created == 0 || next_random() % 4 == 0 || seq > entries - (records - created))
        {
            created += 1;
            created - 1
        } else {
            next_random() % created
        };
        let after = Hash(Sha256::digest(seq.to_le_bytes()).into());
        let before = current[r as usize];
        let action = if before.is_none() {
            "create"
        } else {
            ACTIONS[(seq % 4) as usize]
        };
        let entry = Entry::next(
            head,
            NewEntry {
                at: start_time + chrono::Duration::milliseconds(seq as i64 * 1500),
                actor: if seq % 3 == 0 {
                    Actor::System
                } else {
                    Actor::User((seq % 50) as i64 + 1)
                },
                action: action.to_string(),
                record_kind: KINDS[(r % 4) as usize].to_string(),
                record_id: (r / 4 + 1).to_string(),
                before,
                after,
            },
        )?;
        current[r as usize] = Some(after);
        head = Some(entry.head());
        log.push(entry);
    }
    let build_seconds = t.elapsed().as_secs_f64();
    let canonical_bytes: u64 = log
        .iter()
        .take(1000)
        .map(|e| e.canonical_text().len() as u64)
        .sum::<u64>()
        * entries
        / entries.clamp(1, 1000);

    let t = Instant::now();
    let mut verifier = ChainVerifier::new();
    for entry in &log {
        let row = AuditRow::from(entry);
        verifier.push(&row.parse()?)?;
    }
    let summary = verifier.finish()?;
    let verify_rows_parsed_seconds = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let summary2 = verify_chain(&log)?;
    let verify_chain_seconds = t.elapsed().as_secs_f64();
    debug_assert_eq!(summary.head, summary2.head);

    let t = Instant::now();
    let rows = current
        .iter()
        .enumerate()
        .filter_map(|(r, h)| h.map(|h| (KINDS[r % 4], (r / 4 + 1).to_string(), h)));
    verify_rows(summary.latest, rows)?;
    let verify_records_seconds = t.elapsed().as_secs_f64();

    Ok(BenchReport {
        entries,
        records: created,
        canonical_bytes,
        build_seconds,
        verify_rows_parsed_seconds,
        verify_chain_seconds,
        verify_records_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small run must verify (the benchmark refuses to time a log that does not).
    #[test]
    fn a_small_run_verifies() {
        let report = run(2_000).unwrap();
        assert_eq!(report.entries, 2_000);
        assert_eq!(report.records, 500);
        assert!(report.canonical_bytes > 2_000 * 300);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["bench"], "audit");
        assert_eq!(json["entries"], 2_000);
    }
}
