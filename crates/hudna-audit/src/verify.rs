//! Verifying the log, and the tables against the log.
//!
//! Two questions, asked in this order by `hudna audit verify`:
//!
//! 1. **Is the log intact?** [`verify_chain`] (or a [`ChainVerifier`] fed row by row) walks
//!    the entries in `seq` order and stops at the first that is wrong:
//!    - a `seq` that is not the previous one plus one: an entry was removed, inserted or the
//!      rows were reordered ([`ChainFault::SeqGap`]);
//!    - a stored hash that is not the hash of the entry's contents: the entry was edited
//!      ([`ChainFault::Altered`]);
//!    - a `prev` that is not the previous entry's hash: the previous entry was replaced by
//!      another whose hash was recomputed ([`ChainFault::BrokenLink`]);
//!    - a `before` that is not the `after` of the same record's previous entry (or a creation
//!      of a record that already exists, or an update of one never created): the record was
//!      changed outside hudna between two logged changes, or entries were rewritten
//!      ([`ChainFault::RecordHistory`]);
//!    - an entry that disagrees with an anchor, a `(seq, hash)` recorded elsewhere earlier, or
//!      a log that ends before an anchor ([`ChainFault::Anchor`], [`ChainFault::Truncated`]).
//!
//!    It returns a [`ChainSummary`] with the head and the latest logged hash of every record.
//!
//! 2. **Do the tables match the log?** [`verify_rows`] takes those latest hashes and the
//!    hashes of the current rows (recomputed by the store with [`crate::record_hash`]) and
//!    stops at the first record whose row differs from its last logged version
//!    ([`RowFault::Altered`]), that has a row but no entry ([`RowFault::Unlogged`]), or that
//!    was logged but has no row ([`RowFault::Missing`] — nothing is ever deleted, so a
//!    missing row is always tampering).
//!
//! # What this can and cannot prove
//!
//! Anyone who edits the database file without hudna leaves a trace these checks find, unless
//! they rewrite the log from the changed point on, recomputing every later hash *and* every
//! later record history consistently. Nothing inside one file can rule that out; an anchor
//! can. Print the head (`hudna audit verify` does) and keep it outside the database — in the
//! contact group's minutes, an e-mail, a signed checkpoint — and pass it back with
//! [`ChainVerifier::expect`]: a rewritten past no longer matches it, and a log cut short ends
//! before it. Removing the last entries alone is also caught by [`verify_rows`] as long as the
//! rows they described still exist.

use std::fmt;

use rustc_hash::FxHashMap;

use crate::entry::{Entry, Head};
use crate::Hash;

/// A record, by kind and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    /// The record's kind.
    pub kind: String,
    /// Its id.
    pub id: String,
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.id)
    }
}

/// The last logged version of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatestVersion {
    /// Its `after` hash.
    pub after: Hash,
    /// The entry that logged it.
    pub seq: u64,
}

/// The last logged version of every record, from [`ChainSummary::latest`].
#[derive(Debug, Clone, Default)]
pub struct LatestHashes {
    by_kind: FxHashMap<String, FxHashMap<String, LatestVersion>>,
    len: usize,
}

impl LatestHashes {
    /// The last logged version of a record.
    pub fn get(&self, kind: &str, id: &str) -> Option<&LatestVersion> {
        self.by_kind.get(kind)?.get(id)
    }

    /// How many records the log knows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the log knows no record.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The record kinds that appear in the log, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = self.by_kind.keys().map(String::as_str).collect();
        kinds.sort_unstable();
        kinds
    }

    fn set(&mut self, kind: &str, id: &str, version: LatestVersion) {
        let ids = match self.by_kind.get_mut(kind) {
            Some(ids) => ids,
            None => self.by_kind.entry(kind.to_string()).or_default(),
        };
        match ids.get_mut(id) {
            Some(v) => *v = version,
            None => {
                ids.insert(id.to_string(), version);
                self.len += 1;
            }
        }
    }

    fn remove(&mut self, kind: &str, id: &str) -> Option<LatestVersion> {
        let removed = self.by_kind.get_mut(kind)?.remove(id);
        if removed.is_some() {
            self.len -= 1;
        }
        removed
    }
}

/// What is wrong with an entry of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainFault {
    /// The entry's `seq` is not the one expected: entries before it were removed, or it was
    /// inserted, or the rows are out of order.
    SeqGap {
        /// The `seq` that should have come.
        expected: u64,
    },
    /// The stored hash is not the hash of the entry's contents: the entry was edited.
    Altered {
        /// The hash stored with the entry.
        stored: Hash,
        /// The hash of its contents.
        computed: Hash,
    },
    /// The entry's `prev` is not the previous entry's hash: the previous entry was replaced.
    BrokenLink {
        /// The previous entry's hash.
        expected: Hash,
        /// The entry's `prev`.
        found: Hash,
    },
    /// The entry's `before` is not the `after` of the same record's previous entry.
    RecordHistory {
        /// The record's last logged hash (`None`: the record had never been logged).
        expected: Option<Hash>,
        /// The entry's `before` (`None`: the entry says it created the record).
        found: Option<Hash>,
    },
    /// The entry disagrees with an anchor.
    Anchor {
        /// The anchored hash.
        expected: Hash,
    },
    /// The log ends before an anchor's entry.
    Truncated {
        /// The last `seq` in the log (`None`: the log is empty).
        last: Option<u64>,
    },
}

/// The first bad entry of a log and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ChainError {
    /// The bad entry's `seq` as stored (for [`ChainFault::Truncated`], the anchor's).
    pub seq: u64,
    /// The record the entry is about (none for [`ChainFault::Truncated`]).
    pub record: Option<RecordKey>,
    /// What is wrong (boxed to keep `Result`s small on the hot path).
    pub fault: Box<ChainFault>,
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "audit log entry {}", self.seq)?;
        if let Some(r) = &self.record {
            write!(f, " ({r})")?;
        }
        f.write_str(": ")?;
        match self.fault.as_ref() {
            ChainFault::SeqGap { expected } => {
                if self.seq > *expected {
                    write!(
                        f,
                        "entry {expected} was expected here: entries from {expected} to {} are \
                         missing or out of order",
                        self.seq - 1
                    )
                } else {
                    write!(
                        f,
                        "out of order or repeated: entry {expected} was expected here"
                    )
                }
            }
            ChainFault::Altered { stored, computed } => write!(
                f,
                "the entry was altered: its contents hash to {computed}, but {stored} is stored"
            ),
            ChainFault::BrokenLink { expected, found } => write!(
                f,
                "broken link: it names {found} as the previous entry's hash, but the previous \
                 entry hashes to {expected}, so the previous entry was replaced"
            ),
            ChainFault::RecordHistory { expected, found } => match (expected, found) {
                (None, Some(_)) => f.write_str("it changes a record that no earlier entry created"),
                (Some(_), None) => f.write_str("it creates a record that already existed"),
                (Some(e), Some(x)) => write!(
                    f,
                    "the record was changed outside hudna: before this change it hashed to \
                     {x}, but its last logged version hashes to {e}"
                ),
                (None, None) => f.write_str("record history does not follow"),
            },
            ChainFault::Anchor { expected } => write!(
                f,
                "does not match the anchor recorded for it ({expected}): the log was rewritten \
                 from here or before"
            ),
            ChainFault::Truncated { last } => match last {
                Some(last) => write!(
                    f,
                    "an anchor names this entry, but the log ends at entry {last}: entries were \
                     removed from the end"
                ),
                None => f.write_str("an anchor names this entry, but the log is empty"),
            },
        }
    }
}

/// What a verified log looked like.
#[derive(Debug, Clone)]
pub struct ChainSummary {
    /// How many entries.
    pub entries: u64,
    /// The last entry (`None` for an empty log). Keep it outside the database as an anchor.
    pub head: Option<Head>,
    /// The last logged version of every record, for [`verify_rows`].
    pub latest: LatestHashes,
}

/// Checks a log entry by entry, for a store that reads rows one at a time (and so can report
/// an unreadable row itself, with [`crate::AuditRow::parse`]).
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: u64,
    prev: Hash,
    latest: LatestHashes,
    anchors: Vec<Head>,
    buf: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier::new()
    }
}

impl ChainVerifier {
    /// A verifier expecting the log from its first entry.
    pub fn new() -> ChainVerifier {
        ChainVerifier {
            expected_seq: 1,
            prev: Hash::ZERO,
            latest: LatestHashes::default(),
            anchors: Vec::new(),
            buf: String::with_capacity(512),
        }
    }

    /// Asks the verifier to confirm that the entry `anchor.seq` has hash `anchor.hash`, and
    /// that the log reaches it. Anchors may be given in any order.
    pub fn expect(&mut self, anchor: Head) -> &mut Self {
        self.anchors.push(anchor);
        self.anchors.sort_by_key(|a| std::cmp::Reverse(a.seq));
        self
    }

    /// Checks the next entry.
    pub fn push(&mut self, entry: &Entry) -> Result<(), ChainError> {
        let fail = |fault: ChainFault| ChainError {
            seq: entry.seq,
            record: Some(RecordKey {
                kind: entry.record_kind.clone(),
                id: entry.record_id.clone(),
            }),
            fault: Box::new(fault),
        };
        if entry.seq != self.expected_seq {
            return Err(fail(ChainFault::SeqGap {
                expected: self.expected_seq,
            }));
        }
        let computed = entry.compute_hash(&mut self.buf);
        if computed != entry.hash {
            return Err(fail(ChainFault::Altered {
                stored: entry.hash,
                computed,
            }));
        }
        if entry.prev != self.prev {
            return Err(fail(ChainFault::BrokenLink {
                expected: self.prev,
                found: entry.prev,
            }));
        }
        while let Some(anchor) = self.anchors.last() {
            if anchor.seq > entry.seq {
                break;
            }
            if anchor.seq == entry.seq && anchor.hash != entry.hash {
                return Err(fail(ChainFault::Anchor {
                    expected: anchor.hash,
                }));
            }
            self.anchors.pop();
        }
        let logged = self
            .latest
            .get(&entry.record_kind, &entry.record_id)
            .map(|v| v.after);
        if logged != entry.before {
            return Err(fail(ChainFault::RecordHistory {
                expected: logged,
                found: entry.before,
            }));
        }
        self.latest.set(
            &entry.record_kind,
            &entry.record_id,
            LatestVersion {
                after: entry.after,
                seq: entry.seq,
            },
        );
        self.prev = entry.hash;
        self.expected_seq += 1;
        Ok(())
    }

    /// Ends the walk: fails if an anchor lies beyond the last entry.
    pub fn finish(self) -> Result<ChainSummary, ChainError> {
        let entries = self.expected_seq - 1;
        let head = (entries > 0).then_some(Head {
            seq: entries,
            hash: self.prev,
        });
        if let Some(anchor) = self.anchors.last() {
            return Err(ChainError {
                seq: anchor.seq,
                record: None,
                fault: Box::new(ChainFault::Truncated {
                    last: head.map(|h| h.seq),
                }),
            });
        }
        Ok(ChainSummary {
            entries,
            head,
            latest: self.latest,
        })
    }
}

/// Checks a whole log given in `seq` order (see the [module documentation](self)).
pub fn verify_chain<I>(entries: I) -> Result<ChainSummary, ChainError>
where
    I: IntoIterator,
    I::Item: std::borrow::Borrow<Entry>,
{
    let mut verifier = ChainVerifier::new();
    for entry in entries {
        verifier.push(std::borrow::Borrow::borrow(&entry))?;
    }
    verifier.finish()
}

/// What is wrong with a record's current row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowFault {
    /// The row does not hash to its last logged version: it was changed outside hudna.
    Altered {
        /// The last logged hash.
        logged: Hash,
        /// The row's hash now.
        current: Hash,
        /// The entry that logged it.
        last_seq: u64,
    },
    /// The row exists, but no entry ever logged the record: it was inserted outside hudna.
    Unlogged {
        /// The row's hash now.
        current: Hash,
    },
    /// The log says the record exists, but there is no row: it was deleted outside hudna.
    Missing {
        /// The last logged hash.
        logged: Hash,
        /// The entry that logged it.
        last_seq: u64,
    },
}

/// The first record whose row does not match the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RowError {
    /// The record.
    pub record: RecordKey,
    /// What is wrong (boxed to keep `Result`s small).
    pub fault: Box<RowFault>,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fault.as_ref() {
            RowFault::Altered {
                logged,
                current,
                last_seq,
            } => write!(
                f,
                "{} was changed outside hudna: its row hashes to {current}, but its last \
                 logged version (audit entry {last_seq}) hashes to {logged}",
                self.record
            ),
            RowFault::Unlogged { .. } => write!(
                f,
                "{} exists but the audit log never recorded it: it was added outside hudna",
                self.record
            ),
            RowFault::Missing { last_seq, .. } => write!(
                f,
                "{} is missing: the audit log recorded it (last in entry {last_seq}) but its row \
                 is gone",
                self.record
            ),
        }
    }
}

/// What the rows looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsSummary {
    /// How many rows were checked.
    pub rows: u64,
}

/// Checks the current rows against the log's latest hashes and returns the first mismatch:
/// the first row (in the order given) that is altered or unlogged, or else the missing record
/// whose last entry came first. `current_rows` yields `(kind, id, record_hash(row))` for every
/// row of every audited kind.
pub fn verify_rows<I, K, D>(latest: LatestHashes, current_rows: I) -> Result<RowsSummary, RowError>
where
    I: IntoIterator<Item = (K, D, Hash)>,
    K: AsRef<str>,
    D: AsRef<str>,
{
    let (summary, mut faults) = check_rows(latest, current_rows, 1);
    match faults.pop() {
        Some(first) => Err(first),
        None => Ok(summary),
    }
}

/// Like [`verify_rows`], but lists every mismatch (rows in the order given, then missing
/// records by the `seq` of their last entry), so a report can say how far the damage goes.
pub fn all_row_faults<I, K, D>(
    latest: LatestHashes,
    current_rows: I,
) -> (RowsSummary, Vec<RowError>)
where
    I: IntoIterator<Item = (K, D, Hash)>,
    K: AsRef<str>,
    D: AsRef<str>,
{
    check_rows(latest, current_rows, usize::MAX)
}

fn check_rows<I, K, D>(
    mut latest: LatestHashes,
    current_rows: I,
    limit: usize,
) -> (RowsSummary, Vec<RowError>)
where
    I: IntoIterator<Item = (K, D, Hash)>,
    K: AsRef<str>,
    D: AsRef<str>,
{
    let mut faults = Vec::new();
    let mut rows = 0u64;
    for (kind, id, current) in current_rows {
        rows += 1;
        let (kind, id) = (kind.as_ref(), id.as_ref());
        let fault = match latest.remove(kind, id) {
            None => Some(RowFault::Unlogged { current }),
            Some(v) if v.after != current => Some(RowFault::Altered {
                logged: v.after,
                current,
                last_seq: v.seq,
            }),
            Some(_) => None,
        };
        if let Some(fault) = fault {
            faults.push(RowError {
                record: RecordKey {
                    kind: kind.to_string(),
                    id: id.to_string(),
                },
                fault: Box::new(fault),
            });
            if faults.len() >= limit {
                return (RowsSummary { rows }, faults);
            }
        }
    }
    let mut missing: Vec<RowError> = latest
        .by_kind
        .into_iter()
        .flat_map(|(kind, ids)| {
            ids.into_iter().map(move |(id, v)| RowError {
                record: RecordKey {
                    kind: kind.clone(),
                    id,
                },
                fault: Box::new(RowFault::Missing {
                    logged: v.after,
                    last_seq: v.seq,
                }),
            })
        })
        .collect();
    missing.sort_by_key(|e| match *e.fault {
        RowFault::Missing { last_seq, .. } => last_seq,
        _ => 0,
    });
    let room = limit.saturating_sub(faults.len());
    faults.extend(missing.into_iter().take(room));
    (RowsSummary { rows }, faults)
}
