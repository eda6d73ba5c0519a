//! Truces, their versions and the findings of checks, as the store keeps them.
//!
//! A truce changes by a term at a time (a group designated, a zone agreed), and a monitor must
//! be able to say which version of the terms a finding was made under, long after the file
//! was edited or lost. So every version is kept whole — the TOML as loaded and the geometry
//! files it names — and findings name the truce, the version and the term.
//!
//! Checks are incremental: [`CheckState`] remembers, per incident and truce, a hash of what
//! the engine read of the incident and the truce version it was judged by, so that a re-run
//! judges only what changed. Every run is logged ([`CheckRun`]) with the findings it added,
//! removed or re-scored and why ([`FindingChange`]).
//!
//! As with the record, these are primitives: reading terms, judging incidents and deciding
//! what changed is the job of `hudna-check` and `hudna-truce`.

use serde::{Deserialize, Serialize};

use crate::StoreError;

/// A truce version to store.
#[derive(Debug, Clone)]
pub struct NewTruceVersion<'a> {
    /// The truce's id (from its file).
    pub truce_id: &'a str,
    /// SHA-256 of the TOML and its files: loading the same content again adds no version.
    pub content_hash: [u8; 32],
    /// Where it was loaded from.
    pub source: &'a str,
    /// English name.
    pub name_en: &'a str,
    /// Arabic name.
    pub name_ar: &'a str,
    /// When it was loaded (RFC 3339).
    pub loaded_at: &'a str,
    /// JSON list of the terms added, removed or changed since the previous version.
    pub changes: &'a str,
    /// The TOML as loaded.
    pub toml: &'a str,
    /// The files it names, by the path written in it: (path, text).
    pub files: &'a [(String, String)],
    /// Its terms, in file order.
    pub terms: &'a [TermRow],
}

/// One term of a truce version, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermRow {
    /// Term id (`party:CODE` for parties).
    pub id: String,
    /// `period`, `party`, `designation`, `zone`, `site` or `movement`.
    pub kind: String,
    /// `in_force` or `proposed`, where the term has a status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// One line saying what it is.
    pub label: String,
}

/// A stored truce version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TruceVersion {
    /// The truce.
    pub truce_id: String,
    /// Its version, from 1.
    pub version: u32,
    /// Whether it is the version checks use.
    pub current: bool,
    /// SHA-256 of its content, in hex.
    pub content_hash: String,
    /// Where it was loaded from.
    pub source: String,
    /// English name.
    pub name_en: String,
    /// Arabic name.
    pub name_ar: String,
    /// When it was loaded.
    pub loaded_at: String,
    /// JSON list of the terms changed since the previous version.
    pub changes: String,
    /// The TOML.
    #[serde(skip)]
    pub toml: String,
    /// The files it names: (path, text).
    #[serde(skip)]
    pub files: Vec<(String, String)>,
    /// Its terms, in file order.
    pub terms: Vec<TermRow>,
}

/// A truce in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TruceSummary {
    /// Id.
    pub id: String,
    /// The version checks use (the latest).
    pub current_version: u32,
    /// English name of that version.
    pub name_en: String,
    /// Arabic name of that version.
    pub name_ar: String,
    /// When that version was loaded.
    pub loaded_at: String,
    /// Where it was loaded from.
    pub source: String,
    /// Number of terms of that version.
    pub terms: u32,
    /// Findings stored under it now.
    pub findings: u64,
}

/// What an incident was last judged as, under one truce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckState {
    /// The incident's public id.
    pub incident: i64,
    /// Hash of what the engine read of it.
    pub hash: i64,
    /// The truce version it was judged by.
    pub version: u32,
}

/// A proposed term a finding is the effect of.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StoredProposal {
    /// The proposed term.
    pub term: String,
    /// `would_add`, `would_remove` or `would_change`.
    pub effect: String,
}

/// A finding as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFinding {
    /// The incident's public id. Written as a decimal string in JSON, as every finding's
    /// incident id is (`hudna check --truce-file` names extracted incidents `r18#3fa9c2d1`,
    /// and the API gives `incident_id` as a string), so that a reader of findings meets one
    /// type; read back from a string or a number.
    #[serde(with = "id_as_string")]
    pub incident: i64,
    /// The truce.
    pub truce: String,
    /// The truce version the finding holds under.
    pub truce_version: u32,
    /// The term.
    pub term: String,
    /// The rule (`party_attack`, ...).
    pub rule: String,
    /// `grave`, `serious`, `review` or `info`.
    pub severity: String,
    /// 0–1.
    pub confidence: f64,
    /// Distance that triggered it, km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// One line saying why.
    pub explanation: String,
    /// The same line in Arabic; empty for findings stored before hudna wrote it (schema
    /// step 7) and not judged since, and in JSON written before then.
    #[serde(default)]
    pub explanation_ar: String,
    /// Set when it is what a proposed term would change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<StoredProposal>,
    /// The check run that found it.
    pub first_run: i64,
    /// The check run that last wrote it.
    pub run: i64,
}

/// A public id as a JSON string (`"42"`), read from a string or a number.
mod id_as_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(id: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(id)
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(i64),
        Text(String),
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(n),
            Either::Text(t) => t.trim().parse().map_err(|_| {
                serde::de::Error::custom(format!("incident id `{t}` is not a public id"))
            }),
        }
    }
}

/// Which findings a listing wants. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingFilter {
    /// Truce id.
    pub truce: Option<String>,
    /// Rule.
    pub rule: Option<String>,
    /// Incident (public id).
    pub incident: Option<i64>,
}

/// One truce judged by one `hudna check`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRun {
    /// Its id (assigned by the store).
    pub id: i64,
    /// The truce.
    pub truce: String,
    /// The version judged by.
    pub truce_version: u32,
    /// The version the previous run judged by, if any.
    pub previous_version: Option<u32>,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// How long it took.
    pub seconds: f64,
    /// Incidents in the record.
    pub incidents: u64,
    /// Incidents judged in this run.
    pub evaluated: u64,
    /// Incidents without a date (not judged).
    pub undated: u64,
    /// Incidents without coordinates (not judged).
    pub unlocated: u64,
    /// Incidents judged before that are no longer in the record.
    pub gone: u64,
    /// Findings after the run.
    pub findings: u64,
    /// Findings added.
    pub added: u64,
    /// Findings removed.
    pub removed: u64,
    /// Findings re-scored.
    pub changed: u64,
    /// JSON list of the terms changed since the previous run.
    pub term_changes: String,
}

/// A finding added, removed or re-scored by a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingChange {
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// The finding before (removed, changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<StoredFinding>,
    /// The finding after (added, changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<StoredFinding>,
    /// Why: a new or edited incident, a term that changed, an incident gone from the record.
    pub reason: String,
}

/// Storage of truces, findings and checks. Every [`crate::Store`] is one; writes happen
/// inside the store's transactions ([`crate::Store::begin`]).
pub trait TruceStore {
    /// Every truce, by id, with its current version.
    fn truce_list(&mut self) -> Result<Vec<TruceSummary>, StoreError>;
    /// One version of a truce (`None`: the current one).
    fn truce_version(
        &mut self,
        id: &str,
        version: Option<u32>,
    ) -> Result<Option<TruceVersion>, StoreError>;
    /// The version numbers of a truce, oldest first.
    fn truce_versions(&mut self, id: &str) -> Result<Vec<u32>, StoreError>;
    /// Stores a new version of a truce (version 1 for a new truce), makes it current and
    /// returns its number.
    fn insert_truce_version(&mut self, v: &NewTruceVersion<'_>) -> Result<u32, StoreError>;

    /// What every incident was last judged as under `truce`, by incident.
    fn check_state(&mut self, truce: &str) -> Result<Vec<CheckState>, StoreError>;
    /// Records what incidents were judged as (replacing earlier rows).
    fn put_check_state(&mut self, truce: &str, rows: &[CheckState]) -> Result<(), StoreError>;
    /// Forgets incidents that left the record, with their findings under `truce`.
    fn forget_incidents(&mut self, truce: &str, incidents: &[i64]) -> Result<(), StoreError>;
    /// Marks every state row and finding of `truce` as holding under `version` (after a
    /// run has judged all that the new version's changes could reach).
    fn set_checked_version(&mut self, truce: &str, version: u32) -> Result<(), StoreError>;
    /// Every finding of a truce, by incident then key.
    fn truce_findings(&mut self, truce: &str) -> Result<Vec<StoredFinding>, StoreError>;
    /// Replaces the findings of one incident under one truce.
    fn replace_findings(
        &mut self,
        truce: &str,
        incident: i64,
        findings: &[StoredFinding],
    ) -> Result<(), StoreError>;
    /// Streams the findings that pass `filter`, by incident, truce and key. Returns how
    /// many were visited.
    fn findings(
        &mut self,
        filter: &FindingFilter,
        visit: &mut dyn FnMut(&StoredFinding) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError>;

    /// Logs a check run (its `id` is ignored) and returns its id.
    fn insert_check_run(&mut self, run: &CheckRun) -> Result<i64, StoreError>;
    /// Logs what a run changed, in order.
    fn log_finding_changes(
        &mut self,
        run: i64,
        changes: &[FindingChange],
    ) -> Result<(), StoreError>;
    /// The latest runs (of one truce, or all), newest first.
    fn check_runs(
        &mut self,
        truce: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CheckRun>, StoreError>;
    /// What a run changed, in order.
    fn finding_changes(&mut self, run: i64) -> Result<Vec<FindingChange>, StoreError>;

    /// The humanitarian notifications filed through hudna that a check judges with the
    /// terms of `truce`: the active ones filed under it or under no truce, by id, each with
    /// the name of the organisation that filed it.
    fn filed_notifications(
        &mut self,
        truce: &str,
    ) -> Result<Vec<(crate::NotificationRecord, String)>, StoreError>;

    /// A fact about the database (see `record_meta`).
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError>;
    /// Records a fact about the database.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
}
