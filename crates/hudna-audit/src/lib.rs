//! hudna's audit log: a hash chain of every change to the shared record.
//!
//! The contact group must be able to show that nobody — including whoever runs the server —
//! rewrote the record. So every change, by the API, the dashboard or the command line,
//! appends an [`Entry`] to one log: who, when, what, the hash of the record before and after,
//! and the hash of the previous entry. Changing an old entry changes its hash and breaks the
//! link to the next one; changing a record's row without an entry makes the row disagree with
//! its last logged hash. `hudna audit verify` checks both and names the first thing wrong.
//!
//! This crate is the format and the checks, with no database in it: the store (hudna-store,
//! SQLite) owns the table, which it creates with [`AUDIT_LOG_SQL`], and calls this crate
//! inside its own transactions.
//!
//! # The pieces
//!
//! - [`canonical`]: the canonical JSON that every hash is taken over, defined precisely so
//!   that a record's hash can be recomputed from its row by anyone ([`record_hash`]).
//! - [`entry`]: [`Entry`], [`NewEntry`], [`Actor`], [`Hash`](struct@Hash), [`Entry::next`] to chain a new
//!   entry to the [`Head`] of the log, and [`AuditRow`], the entry as table columns.
//! - [`verify`]: [`verify_chain`] / [`ChainVerifier`] for the log itself, [`verify_rows`] for
//!   the tables against the log.
//! - [`bench`](mod@bench): a synthetic log of any size, built and verified with timings.
//!
//! # Nothing is deleted, only superseded
//!
//! Records are never deleted from their tables, and entries never from the log. Withdrawing
//! an incident, merging two, replacing a truce's terms: each is an update of the record (a
//! status, a `superseded_by`, new terms) logged like any other. For callers this means: no
//! `DELETE` on an audited table, ever; lists filter withdrawn records out themselves; and a
//! row that is missing is reported by `hudna audit verify` as tampering.
//!
//! # How the store logs a change
//!
//! All in **one transaction**, begun with `BEGIN IMMEDIATE` so that no other writer can take
//! the head of the log between reading it and appending to it:
//!
//! 1. Read the record's current row, if there is one, as a JSON object of its audited fields
//!    (every audited column, `NULL`s as `null`; see [`canonical`] for the mapping of SQLite
//!    values), and take `before = record_hash(&row)`, or `None` when creating it.
//! 2. Read the record's last logged `after_hash` (`SELECT after_hash FROM audit_log WHERE
//!    record_kind = ?1 AND record_id = ?2 ORDER BY seq DESC LIMIT 1`) and call
//!    [`NewEntry::check_follows`]. If the row was changed outside hudna since, refuse the
//!    change and tell the operator to run `hudna audit verify`.
//! 3. Make the change with `INSERT` or `UPDATE` (never `DELETE`).
//! 4. Read the row back and take `after = record_hash(&row)`. Hash what SQLite now holds,
//!    not the values you meant to write: type affinity may have changed them, and the
//!    verifier will hash what it reads.
//! 5. Read the head, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`, as a
//!    [`Head`] ([`Head::parse`]); build the entry with [`Entry::next`] and insert
//!    [`AuditRow::from`] it with [`AuditRow::INSERT_SQL`].
//! 6. Commit. If anything failed, roll back: the change and its entry land together or not at
//!    all.
//!
//! An operation that changes several records (a merge) logs one entry per record, all in the
//! same transaction. The actor is [`Actor::User`] for the API and the dashboard (including
//! the checks a change made there triggers), [`Actor::Cli`] with the operating-system user
//! for `hudna` commands (ingestion and checks included: someone ran them), and
//! [`Actor::System`] for what hudna does with no one behind it (schema migrations).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use hudna_audit::{record_hash, Actor, AuditRow, Entry, Head, NewEntry, AUDIT_LOG_SQL};
//! use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
//! use serde_json::{json, Value};
//!
//! let mut conn = Connection::open_in_memory()?;
//! conn.execute_batch(AUDIT_LOG_SQL)?;
//! conn.execute_batch("CREATE TABLE incident (id INTEGER PRIMARY KEY, place TEXT, killed INTEGER)")?;
//!
//! // The audited fields of an incident row.
//! fn incident(conn: &Connection, id: i64) -> rusqlite::Result<Option<Value>> {
//!     conn.query_row("SELECT id, place, killed FROM incident WHERE id = ?1", [id], |r| {
//!         Ok(json!({"id": r.get::<_, i64>(0)?, "place": r.get::<_, Option<String>>(1)?,
//!                   "killed": r.get::<_, Option<i64>>(2)?}))
//!     })
//!     .optional()
//! }
//!
//! let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
//! let before = incident(&tx, 1)?.map(|row| record_hash(&row)).transpose()?;
//! let last_logged: Option<String> = tx
//!     .query_row(
//!         "SELECT after_hash FROM audit_log WHERE record_kind = 'incident' AND record_id = '1'
//!          ORDER BY seq DESC LIMIT 1",
//!         [],
//!         |r| r.get(0),
//!     )
//!     .optional()?;
//! tx.execute("INSERT INTO incident (id, place, killed) VALUES (1, 'Kafr Nabl', 2)", [])?;
//! let after = record_hash(&incident(&tx, 1)?.ok_or("the row was just written")?)?;
//! let new = NewEntry {
//!     at: chrono::Utc::now(),
//!     actor: Actor::User(7),
//!     action: "create".into(),
//!     record_kind: "incident".into(),
//!     record_id: "1".into(),
//!     before,
//!     after,
//! };
//! new.check_follows(last_logged.map(|h| h.parse()).transpose()?)?;
//! let head = tx
//!     .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| {
//!         Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
//!     })
//!     .optional()?
//!     .map(|(seq, hash)| Head::parse(seq, &hash))
//!     .transpose()?;
//! let row = AuditRow::from(&Entry::next(head, new)?);
//! tx.execute(
//!     AuditRow::INSERT_SQL,
//!     params![row.seq, row.at, row.actor, row.action, row.record_kind, row.record_id,
//!             row.before_hash, row.after_hash, row.prev_hash, row.hash],
//! )?;
//! tx.commit()?;
//! # Ok(())
//! # }
//! ```
//!
//! # How `hudna audit verify` checks
//!
//! 1. Read `SELECT` [`AuditRow::COLUMNS`] `FROM audit_log ORDER BY seq`, one row at a time:
//!    [`AuditRow::parse`] (an unreadable row is reported with its `seq`), then
//!    [`ChainVerifier::push`]; [`ChainVerifier::finish`] gives a [`ChainSummary`].
//!    Anchors kept from earlier runs go in with [`ChainVerifier::expect`].
//! 2. For every audited kind, read every row, hash its audited fields exactly as when
//!    logging, and pass `(kind, id, hash)` with [`ChainSummary::latest`] to [`verify_rows`].
//! 3. Print the head (`seq` and `hash`) so it can be kept outside the database as the next
//!    anchor; exit non-zero naming the first bad entry or row otherwise.

pub mod bench;
pub mod canonical;
pub mod entry;
pub mod verify;

pub use canonical::{canonical_json, record_hash, CanonicalError};
pub use entry::{
    format_timestamp, parse_timestamp, Actor, AuditRow, BadHash, Entry, EntryError, Hash, Head,
    NewEntry, OutOfBandChange, RowParseError,
};
pub use verify::{
    all_row_faults, verify_chain, verify_rows, ChainError, ChainFault, ChainSummary, ChainVerifier,
    LatestHashes, LatestVersion, RecordKey, RowError, RowFault, RowsSummary,
};

/// The audit table, its indexes and its append-only triggers, in SQLite's dialect: one
/// migration step for the store.
pub const AUDIT_LOG_SQL: &str = include_str!("../sql/audit_log.sql");

#[cfg(test)]
mod tests;

#[cfg(test)]
mod sqlite_tests;
