//! Judging the record against its truces, and keeping what was judged.
//!
//! `hudna-truce` is the pure function from a truce's terms and some incidents to findings;
//! `hudna-store` keeps the record. This crate joins them the way a monitoring mission works:
//!
//! - [`load`]: a truce file (TOML and the GeoJSON files it names) is validated and stored as
//!   a new version when its content changed, with the terms that changed; a stored version
//!   is read back from the record alone, so findings can always be traced to the exact terms
//!   they were made under, even after the file is gone.
//! - [`run`]: `hudna check` judges every consolidated incident against the current version
//!   of each stored truce, *incrementally*. For each incident and truce the record keeps a
//!   hash of what the engine read of the incident and the version it was judged by; a re-run
//!   judges only new or changed incidents, and — when a truce has a new version — only the
//!   incidents its changed terms can reach (through [`hudna_truce::Checker`]). Every run is
//!   logged, with each finding added, removed or re-scored and the reason.
//!   Humanitarian notifications filed through hudna (not in a truce file) are judged with
//!   each truce's terms too ([`filed`]).
//! - [`export`]: findings as JSON Lines or CSV, filtered by truce and rule.
//! - [`report`]: the same, written for a person.
//!
//! Incidents are named by their public id (see `hudna-record`), which never changes once
//! given: a finding keeps pointing at its event as reports of it come and go.

pub mod export;
pub mod filed;
pub mod load;
pub mod report;
pub mod run;

mod convert;

pub use convert::{checked_incident, incident_hash};
pub use load::{
    load_truce_file, parse_truce_source, store_truce, stored_truce, LoadOutcome, Loaded,
    TruceSource,
};
pub use report::{count_findings, FindingCounts};
pub use run::{check, CheckReport, TruceRun};

use hudna_store::StoreError;
use hudna_truce::Problem;

/// Why loading or checking failed.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The record failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A truce file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A truce file is not valid; every problem is listed with its file, line and field.
    #[error("{} problem(s) in the truce; nothing stored", .0.len())]
    Invalid(Vec<Problem>),
    /// No truce with this id is stored.
    #[error("no truce `{id}` in the record (stored: {})", if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownTruce {
        /// The id asked for.
        id: String,
        /// The ids stored.
        known: Vec<String>,
    },
    /// The truce is stored but not in that version.
    #[error("truce `{id}` has no version {version} (versions: {})", versions.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))]
    UnknownVersion {
        /// The truce.
        id: String,
        /// The version asked for.
        version: u32,
        /// The versions stored.
        versions: Vec<u32>,
    },
    /// A rule name that does not exist.
    #[error("unknown rule `{rule}` (rules: {})", known.join(", "))]
    UnknownRule {
        /// The name given.
        rule: String,
        /// The rules.
        known: Vec<String>,
    },
    /// No truce is stored at all.
    #[error("the record holds no truce; load one with `hudna truce load FILE`")]
    NoTruce,
    /// A stored version no longer reads as a valid truce (the theatre's actor list changed,
    /// or the row was edited).
    #[error("stored truce `{id}` version {version} no longer validates: {reason}")]
    StoredInvalid {
        /// The truce.
        id: String,
        /// The version.
        version: u32,
        /// The problems.
        reason: String,
    },
    /// A stored finding cannot be read back (edited by hand, or a bug).
    #[error("stored finding of incident {incident} under `{truce}`: {what}")]
    BadFinding {
        /// The incident.
        incident: i64,
        /// The truce.
        truce: String,
        /// What is wrong.
        what: String,
    },
    /// A notification filed through hudna cannot be read back (edited outside hudna, or a
    /// bug): the check stops rather than judge without it.
    #[error("stored notification {id}: {what}")]
    BadNotification {
        /// The notification's id.
        id: i64,
        /// What is wrong.
        what: String,
    },
    /// Writing an export failed.
    #[error("writing findings: {0}")]
    Write(String),
}
