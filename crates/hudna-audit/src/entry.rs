//! Audit entries: what one change leaves in the log, and how its own hash is made.
//!
//! An entry says who ([`Actor`]) did what (`action`) to which record (`record_kind`,
//! `record_id`) when (`at`, UTC, microseconds), what the record's audited fields hashed to
//! before (`before`, absent for a creation) and after (`after`), and the hash of the entry
//! before it (`prev`). Its own `hash` is SHA-256 of this canonical JSON object (the rules of
//! [`crate::canonical`]; keys in this order because it is the sorted order):
//!
//! ```text
//! {"action":"regrade","actor":"user:7","after":"<64 hex>","at":"2026-11-29T10:15:00.123456Z",
//!  "before":"<64 hex>"|null,"prev":"<64 hex>","record_id":"42","record_kind":"incident",
//!  "seq":3,"v":1}
//! ```
//!
//! (on one line, without the line break). `v` is the format's version. The first entry has
//! `seq` 1 and a `prev` of 64 zeros.
//!
//! # Nothing is deleted, only superseded
//!
//! `after` is never absent: a record is never removed from its table. To withdraw an
//! incident, merge two, or replace a truce's terms, the caller changes the record (a
//! `status`, a `superseded_by`, new terms) and logs that as an update; the old version stays
//! provable through its hash in the log, and readers decide what a withdrawn record shows.
//! A row that disappears from its table is therefore always tampering, and
//! [`crate::verify_rows`] reports it.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, SubsecRound, Timelike, Utc};
use sha2::{Digest, Sha256};

use crate::canonical::write_string;

/// A SHA-256 value: a record hash or an entry hash. Written as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The `prev` of the first entry.
    pub const ZERO: Hash = Hash([0; 32]);

    fn write_hex(&self, out: &mut String) {
        out.push_str(self.hex().as_str());
    }

    fn hex(&self) -> HexBuf {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 64];
        for (i, b) in self.0.iter().enumerate() {
            buf[2 * i] = DIGITS[usize::from(b >> 4)];
            buf[2 * i + 1] = DIGITS[usize::from(b & 15)];
        }
        HexBuf(buf)
    }
}

/// 64 hex digits on the stack (formatting a hash is on the verifier's hot path).
struct HexBuf([u8; 64]);

impl HexBuf {
    fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written into it.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The value of each byte as a hex digit (lower case only), or 0xff.
const NIBBLE: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut c = 0;
    while c < 10 {
        table[b'0' as usize + c] = c as u8;
        c += 1;
    }
    let mut c = 0;
    while c < 6 {
        table[b'a' as usize + c] = 10 + c as u8;
        c += 1;
    }
    table
};

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hex().as_str())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

/// Text that is not 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 hash (64 lower-case hex digits): {0:?}")]
pub struct BadHash(pub String);

impl FromStr for Hash {
    type Err = BadHash;

    fn from_str(s: &str) -> Result<Hash, BadHash> {
        let bytes = s.as_bytes();
        if bytes.len() != 64 {
            return Err(BadHash(s.to_string()));
        }
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            let (h, l) = (NIBBLE[usize::from(pair[0])], NIBBLE[usize::from(pair[1])]);
            if (h | l) == 0xff {
                return Err(BadHash(s.to_string()));
            }
            out[i] = (h << 4) | l;
        }
        Ok(Hash(out))
    }
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A signed-in account, by its user id: `user:42`.
    User(i64),
    /// Someone at the machine running a `hudna` command, by operating-system user name:
    /// `cli:amal`.
    Cli(String),
    /// hudna itself, with no one behind the change (a schema step re-logging records): `system`.
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::Cli(name) => write!(f, "cli:{name}"),
            Actor::System => f.write_str("system"),
        }
    }
}

impl FromStr for Actor {
    type Err = EntryError;

    fn from_str(s: &str) -> Result<Actor, EntryError> {
        let bad = |reason: &str| EntryError::Field {
            field: "actor",
            value: s.to_string(),
            reason: reason.to_string(),
        };
        if s == "system" {
            Ok(Actor::System)
        } else if let Some(id) = s.strip_prefix("user:") {
            let id: i64 = id
                .parse()
                .map_err(|_| bad("the user id after \"user:\" is not a whole number"))?;
            // Only the canonical spelling (no "+", no leading zeros) is accepted, so that one
            // actor has one text.
            let actor = Actor::User(id);
            if actor.to_string() != s {
                return Err(bad("the user id is not written in plain decimal"));
            }
            Ok(actor)
        } else if let Some(name) = s.strip_prefix("cli:") {
            let actor = Actor::Cli(name.to_string());
            actor.validate()?;
            Ok(actor)
        } else {
            Err(bad("expected user:<id>, cli:<os user> or system"))
        }
    }
}

impl Actor {
    fn validate(&self) -> Result<(), EntryError> {
        if let Actor::Cli(name) = self {
            let bad = |reason: &str| EntryError::Field {
                field: "actor",
                value: self.to_string(),
                reason: reason.to_string(),
            };
            if name.is_empty() {
                return Err(bad("the operating-system user name is empty"));
            }
            if name.chars().count() > 64 {
                return Err(bad("the operating-system user name is over 64 characters"));
            }
            if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
                return Err(bad(
                    "the operating-system user name has spaces or control characters",
                ));
            }
        }
        Ok(())
    }
}

/// A field of an entry that cannot be logged or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// A field's value is not acceptable.
    #[error("audit entry field {field} = {value:?}: {reason}")]
    Field {
        /// Which field (`actor`, `action`, `record_kind`, `record_id`, `at`, `seq`, a hash).
        field: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The chain is full (`seq` would pass `i64::MAX`, SQLite's largest integer).
    #[error("the audit log has reached its largest sequence number")]
    SeqOverflow,
}

/// The part of an entry the caller provides; [`Entry::next`] adds the sequence number and
/// the hashes that chain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// When the change was made (kept to the microsecond).
    pub at: DateTime<Utc>,
    /// Who made it.
    pub actor: Actor,
    /// What was done, as a short name: `create`, `update`, `regrade`, `withdraw`,
    /// `supersede`… (lower-case letters, digits, `_` and `.`, up to 64 characters).
    pub action: String,
    /// What kind of record: `incident`, `truce`, `zone`, `notification`, `user`… (lower-case
    /// letters, digits and `_`, up to 32 characters).
    pub record_kind: String,
    /// The record's id within its kind, as text (up to 128 characters, no control
    /// characters).
    pub record_id: String,
    /// [`crate::record_hash`] of the record before the change; `None` when it is created.
    pub before: Option<Hash>,
    /// [`crate::record_hash`] of the record after the change, as read back from the table.
    pub after: Hash,
}

/// A change about to be logged whose `before` is not the record's last logged version: the
/// row was changed outside hudna since hudna last wrote it. See [`NewEntry::check_follows`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{record_kind} {record_id} was changed outside hudna since its last logged version; run \
     `hudna audit verify` before changing it"
)]
pub struct OutOfBandChange {
    /// The record's kind.
    pub record_kind: String,
    /// The record's id.
    pub record_id: String,
    /// Its last logged `after` (`None`: never logged).
    pub logged: Option<Hash>,
    /// The `before` computed from the row now (`None`: no row).
    pub before: Option<Hash>,
}

impl NewEntry {
    /// Checks, before writing, that the record's row is still what the log last recorded:
    /// `last_logged` is the `after_hash` of the record's latest entry (`None` if it has none).
    ///
    /// Without this check a direct edit of the database followed by an ordinary change
    /// through hudna would still be found by [`crate::verify_chain`] (as a broken record
    /// history), but only later; with it, hudna refuses to build on a tampered row.
    pub fn check_follows(&self, last_logged: Option<Hash>) -> Result<(), OutOfBandChange> {
        if last_logged == self.before {
            Ok(())
        } else {
            Err(OutOfBandChange {
                record_kind: self.record_kind.clone(),
                record_id: self.record_id.clone(),
                logged: last_logged,
                before: self.before,
            })
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the log, from 1, without gaps.
    pub seq: u64,
    /// When (UTC, microseconds).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Actor,
    /// What was done.
    pub action: String,
    /// The record's kind.
    pub record_kind: String,
    /// The record's id.
    pub record_id: String,
    /// The record's hash before; `None` for a creation.
    pub before: Option<Hash>,
    /// The record's hash after.
    pub after: Hash,
    /// The previous entry's `hash` ([`Hash::ZERO`] for the first).
    pub prev: Hash,
    /// This entry's hash.
    pub hash: Hash,
}

/// The last entry of a log, which is all that is needed to add the next one, and a point a
/// verifier can be asked to confirm (an anchor: see [`crate::ChainVerifier::expect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Its sequence number.
    pub seq: u64,
    /// Its hash.
    pub hash: Hash,
}

impl Head {
    /// A head read from the table's `seq` and `hash` columns.
    pub fn parse(seq: i64, hash: &str) -> Result<Head, EntryError> {
        if seq < 1 {
            return Err(EntryError::Field {
                field: "seq",
                value: seq.to_string(),
                reason: "sequence numbers start at 1".into(),
            });
        }
        let hash = hash.parse::<Hash>().map_err(|e| EntryError::Field {
            field: "hash",
            value: hash.to_string(),
            reason: e.to_string(),
        })?;
        Ok(Head {
            seq: seq as u64,
            hash,
        })
    }
}

fn check_name(
    field: &'static str,
    value: &str,
    max: usize,
    extra: &[char],
) -> Result<(), EntryError> {
    let bad = |reason: String| EntryError::Field {
        field,
        value: value.to_string(),
        reason,
    };
    let mut chars = value.chars();
    match chars.next() {
        None => return Err(bad("is empty".into())),
        Some(c) if !c.is_ascii_lowercase() => {
            return Err(bad("must start with a lower-case letter a-z".into()))
        }
        _ => {}
    }
    if value.len() > max {
        return Err(bad(format!("is longer than {max} characters")));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(c)))
    {
        return Err(bad(format!(
            "has {c:?}; allowed are a-z, 0-9 and {extra:?}"
        )));
    }
    Ok(())
}

fn check_fields(
    actor: &Actor,
    action: &str,
    record_kind: &str,
    record_id: &str,
    at: &DateTime<Utc>,
) -> Result<(), EntryError> {
    actor.validate()?;
    check_name("action", action, 64, &['_', '.'])?;
    check_name("record_kind", record_kind, 32, &['_'])?;
    let bad_id = |reason: &str| EntryError::Field {
        field: "record_id",
        value: record_id.to_string(),
        reason: reason.to_string(),
    };
    if record_id.is_empty() {
        return Err(bad_id("is empty"));
    }
    if record_id.chars().count() > 128 {
        return Err(bad_id("is longer than 128 characters"));
    }
    if record_id.chars().any(char::is_control) {
        return Err(bad_id("has a control character"));
    }
    if !(0..=9999).contains(&at.year()) {
        return Err(EntryError::Field {
            field: "at",
            value: at.to_rfc3339(),
            reason: "the year must be between 0 and 9999".into(),
        });
    }
    Ok(())
}

/// Writes `at` as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (by hand: it is on the verifier's hot path).
/// The year must be within 0..=9999, which [`Entry::next`] and [`AuditRow::parse`] ensure.
pub(crate) fn write_timestamp(out: &mut String, at: &DateTime<Utc>) {
    fn digits(buf: &mut [u8], mut value: u32) {
        for slot in buf.iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    let mut buf = *b"0000-00-00T00:00:00.000000Z";
    digits(&mut buf[0..4], at.year().clamp(0, 9999) as u32);
    digits(&mut buf[5..7], at.month());
    digits(&mut buf[8..10], at.day());
    digits(&mut buf[11..13], at.hour());
    digits(&mut buf[14..16], at.minute());
    // chrono keeps a leap second as second 59 with more than a second of fraction; it is
    // written as second 59 with the fraction's remainder (the text is what is hashed).
    digits(&mut buf[17..19], at.second());
    digits(&mut buf[20..26], (at.nanosecond() / 1000) % 1_000_000);
    out.push_str(std::str::from_utf8(&buf).unwrap_or_default());
}

/// The canonical text of a timestamp in the log.
pub fn format_timestamp(at: &DateTime<Utc>) -> String {
    let mut s = String::with_capacity(27);
    write_timestamp(&mut s, at);
    s
}

/// Reads a timestamp of the log; only the canonical text is accepted, so that one instant has
/// one spelling in the log.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, EntryError> {
    let bad = |reason: &str| EntryError::Field {
        field: "at",
        value: text.to_string(),
        reason: reason.to_string(),
    };
    let at = DateTime::parse_from_rfc3339(text)
        .map_err(|e| bad(&format!("not an RFC 3339 time: {e}")))?
        .with_timezone(&Utc);
    if format_timestamp(&at) != text {
        return Err(bad(
            "not in the log's form YYYY-MM-DDTHH:MM:SS.ffffffZ (UTC, six decimals)",
        ));
    }
    Ok(at)
}

impl Entry {
    /// Builds the entry that follows `prev` (`None` for the first entry of an empty log).
    /// The time is cut to microseconds; names are checked.
    pub fn next(prev: Option<Head>, new: NewEntry) -> Result<Entry, EntryError> {
        let at = new.at.trunc_subsecs(6);
        check_fields(
            &new.actor,
            &new.action,
            &new.record_kind,
            &new.record_id,
            &at,
        )?;
        let (seq, prev_hash) = match prev {
            None => (1, Hash::ZERO),
            Some(head) => {
                let seq = head.seq.checked_add(1).ok_or(EntryError::SeqOverflow)?;
                if seq > i64::MAX as u64 {
                    return Err(EntryError::SeqOverflow);
                }
                (seq, head.hash)
            }
        };
        let mut entry = Entry {
            seq,
            at,
            actor: new.actor,
            action: new.action,
            record_kind: new.record_kind,
            record_id: new.record_id,
            before: new.before,
            after: new.after,
            prev: prev_hash,
            hash: Hash::ZERO,
        };
        entry.hash = entry.compute_hash(&mut String::new());
        Ok(entry)
    }

    /// This entry as a chain head, for building the next one.
    pub fn head(&self) -> Head {
        Head {
            seq: self.seq,
            hash: self.hash,
        }
    }

    /// The canonical JSON the entry's hash is taken over (everything but `hash`).
    pub fn canonical_text(&self) -> String {
        let mut out = String::with_capacity(420);
        self.write_canonical(&mut out);
        out
    }

    pub(crate) fn write_canonical(&self, out: &mut String) {
        use std::fmt::Write as _;
        out.push_str("{\"action\":");
        write_string(out, &self.action);
        out.push_str(",\"actor\":");
        match &self.actor {
            Actor::User(id) => {
                let _ = write!(out, "\"user:{id}\"");
            }
            Actor::Cli(name) => {
                let mut text = String::with_capacity(4 + name.len());
                text.push_str("cli:");
                text.push_str(name);
                write_string(out, &text);
            }
            Actor::System => out.push_str("\"system\""),
        }
        out.push_str(",\"after\":\"");
        self.after.write_hex(out);
        out.push_str("\",\"at\":\"");
        write_timestamp(out, &self.at);
        out.push_str("\",\"before\":");
        match &self.before {
            Some(h) => {
                out.push('"');
                h.write_hex(out);
                out.push('"');
            }
            None => out.push_str("null"),
        }
        out.push_str(",\"prev\":\"");
        self.prev.write_hex(out);
        out.push_str("\",\"record_id\":");
        write_string(out, &self.record_id);
        out.push_str(",\"record_kind\":");
        write_string(out, &self.record_kind);
        out.push_str(",\"seq\":");
        let mut digits = [0u8; 20];
        let mut n = self.seq;
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
        out.push_str(",\"v\":1}");
    }

    /// SHA-256 of [`Entry::canonical_text`], reusing `buf` (what a verifier calls a million
    /// times).
    pub fn compute_hash(&self, buf: &mut String) -> Hash {
        buf.clear();
        self.write_canonical(buf);
        Hash(Sha256::digest(buf.as_bytes()).into())
    }
}

/// An entry as the store's `audit_log` table holds it: every column as SQLite gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// `seq INTEGER`.
    pub seq: i64,
    /// `at TEXT`, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    pub at: String,
    /// `actor TEXT`.
    pub actor: String,
    /// `action TEXT`.
    pub action: String,
    /// `record_kind TEXT`.
    pub record_kind: String,
    /// `record_id TEXT`.
    pub record_id: String,
    /// `before_hash TEXT` or `NULL`.
    pub before_hash: Option<String>,
    /// `after_hash TEXT`.
    pub after_hash: String,
    /// `prev_hash TEXT`.
    pub prev_hash: String,
    /// `hash TEXT`.
    pub hash: String,
}

/// A stored row that cannot be read as an entry (a sign of tampering, or of a bug in
/// whatever wrote it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log row seq {seq}: {source}")]
pub struct RowParseError {
    /// The row's `seq` as stored.
    pub seq: i64,
    /// What is wrong.
    #[source]
    pub source: EntryError,
}

impl From<&Entry> for AuditRow {
    fn from(e: &Entry) -> AuditRow {
        AuditRow {
            seq: e.seq as i64,
            at: format_timestamp(&e.at),
            actor: e.actor.to_string(),
            action: e.action.clone(),
            record_kind: e.record_kind.clone(),
            record_id: e.record_id.clone(),
            before_hash: e.before.map(|h| h.to_string()),
            after_hash: e.after.to_string(),
            prev_hash: e.prev.to_string(),
            hash: e.hash.to_string(),
        }
    }
}

impl AuditRow {
    /// The table's columns in the order of this struct's fields, for `SELECT`.
    pub const COLUMNS: &'static str =
        "seq, at, actor, action, record_kind, record_id, before_hash, after_hash, prev_hash, hash";

    /// The `INSERT` of one row, with parameters `?1`…`?10` in the order of the fields.
    pub const INSERT_SQL: &'static str = "INSERT INTO audit_log (seq, at, actor, action, \
        record_kind, record_id, before_hash, after_hash, prev_hash, hash) \
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

    /// Reads the row as an entry, checking each column's form (not the hashes: that is the
    /// verifier's job, so that an altered entry is reported as altered, not as unreadable).
    pub fn parse(&self) -> Result<Entry, RowParseError> {
        let wrap = |source: EntryError| RowParseError {
            seq: self.seq,
            source,
        };
        let hash = |field: &'static str, text: &str| {
            text.parse::<Hash>().map_err(|e| {
                wrap(EntryError::Field {
                    field,
                    value: text.to_string(),
                    reason: e.to_string(),
                })
            })
        };
        if self.seq < 1 {
            return Err(wrap(EntryError::Field {
                field: "seq",
                value: self.seq.to_string(),
                reason: "sequence numbers start at 1".into(),
            }));
        }
        let at = parse_timestamp(&self.at).map_err(wrap)?;
        let actor: Actor = self.actor.parse().map_err(wrap)?;
        check_fields(
            &actor,
            &self.action,
            &self.record_kind,
            &self.record_id,
            &at,
        )
        .map_err(wrap)?;
        Ok(Entry {
            seq: self.seq as u64,
            at,
            actor,
            action: self.action.clone(),
            record_kind: self.record_kind.clone(),
            record_id: self.record_id.clone(),
            before: match &self.before_hash {
                Some(t) => Some(hash("before_hash", t)?),
                None => None,
            },
            after: hash("after_hash", &self.after_hash)?,
            prev: hash("prev_hash", &self.prev_hash)?,
            hash: hash("hash", &self.hash)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 10, 15, 0).unwrap()
            + chrono::Duration::nanoseconds(123_456_789)
    }

    fn new(kind: &str, id: &str, before: Option<Hash>, after: Hash) -> NewEntry {
        NewEntry {
            at: at(),
            actor: Actor::User(7),
            action: "create".into(),
            record_kind: kind.into(),
            record_id: id.into(),
            before,
            after,
        }
    }

    #[test]
    fn hashes_print_and_parse() {
        let h = Hash([0xab; 32]);
        let text = h.to_string();
        assert_eq!(text, "ab".repeat(32));
        assert_eq!(text.parse::<Hash>().unwrap(), h);
        assert!("AB".repeat(32).parse::<Hash>().is_err());
        assert!("ab".parse::<Hash>().is_err());
        assert_eq!(Hash::ZERO.to_string(), "0".repeat(64));
    }

    #[test]
    fn actors() {
        for text in ["user:42", "user:-1", "cli:amal", "system"] {
            assert_eq!(text.parse::<Actor>().unwrap().to_string(), text);
        }
        for bad in [
            "user:", "user:x", "user:+4", "user:007", "cli:", "cli:a b", "root", "",
        ] {
            assert!(bad.parse::<Actor>().is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_have_one_spelling() {
        let t = format_timestamp(&at().trunc_subsecs(6));
        assert_eq!(t, "2026-11-29T10:15:00.123456Z");
        assert_eq!(parse_timestamp(&t).unwrap(), at().trunc_subsecs(6));
        for other in [
            "2026-11-29T10:15:00.123456+00:00",
            "2026-11-29T10:15:00.123Z",
            "2026-11-29T11:15:00.123456+01:00",
            "2026-11-29 10:15:00.123456Z",
            "yesterday",
        ] {
            assert!(parse_timestamp(other).is_err(), "{other}");
        }
    }

    #[test]
    fn first_entry_and_next() {
        let e1 = Entry::next(None, new("incident", "1", None, Hash([1; 32]))).unwrap();
        assert_eq!(e1.seq, 1);
        assert_eq!(e1.prev, Hash::ZERO);
        assert_eq!(e1.at, at().trunc_subsecs(6));
        let e2 = Entry::next(Some(e1.head()), new("incident", "2", None, Hash([2; 32]))).unwrap();
        assert_eq!(e2.seq, 2);
        assert_eq!(e2.prev, e1.hash);
        assert_ne!(e2.hash, e1.hash);
    }

    #[test]
    fn the_hash_is_over_the_documented_canonical_json() {
        let e = Entry::next(
            Some(Head {
                seq: 2,
                hash: Hash([9; 32]),
            }),
            NewEntry {
                at: at(),
                actor: Actor::Cli("amal".into()),
                action: "regrade".into(),
                record_kind: "incident".into(),
                record_id: "42".into(),
                before: Some(Hash([1; 32])),
                after: Hash([2; 32]),
            },
        )
        .unwrap();
        let value = json!({
            "seq": 3, "v": 1,
            "at": "2026-11-29T10:15:00.123456Z",
            "actor": "cli:amal", "action": "regrade",
            "record_kind": "incident", "record_id": "42",
            "before": Hash([1; 32]).to_string(), "after": Hash([2; 32]).to_string(),
            "prev": Hash([9; 32]).to_string(),
        });
        let canonical = crate::canonical_json(&value).unwrap();
        assert_eq!(e.canonical_text(), canonical);
        assert_eq!(e.hash, crate::record_hash(&value).unwrap());

        // A creation writes "before":null, and escapes like the canonical form.
        let c = Entry::next(
            None,
            NewEntry {
                record_id: "a\"b".into(),
                before: None,
                ..new("zone", "x", None, Hash([3; 32]))
            },
        )
        .unwrap();
        let value = json!({
            "seq": 1, "v": 1, "at": "2026-11-29T10:15:00.123456Z", "actor": "user:7",
            "action": "create", "record_kind": "zone", "record_id": "a\"b", "before": null,
            "after": Hash([3; 32]).to_string(), "prev": Hash::ZERO.to_string(),
        });
        assert_eq!(c.canonical_text(), crate::canonical_json(&value).unwrap());
    }

    #[test]
    fn bad_names_are_refused_with_the_field() {
        let mut n = new("incident", "1", None, Hash([1; 32]));
        n.action = "Regrade".into();
        assert!(matches!(
            Entry::next(None, n),
            Err(EntryError::Field {
                field: "action",
                ..
            })
        ));
        let mut n = new("incident", "1", None, Hash([1; 32]));
        n.record_kind = "incident kind".into();
        assert!(matches!(
            Entry::next(None, n),
            Err(EntryError::Field {
                field: "record_kind",
                ..
            })
        ));
        let n = new("incident", "", None, Hash([1; 32]));
        let err = Entry::next(None, n).unwrap_err();
        assert_eq!(
            err.to_string(),
            "audit entry field record_id = \"\": is empty"
        );
        let mut n = new("incident", "1", None, Hash([1; 32]));
        n.actor = Actor::Cli("a\nb".into());
        assert!(matches!(
            Entry::next(None, n),
            Err(EntryError::Field { field: "actor", .. })
        ));
    }

    #[test]
    fn rows_round_trip_and_bad_rows_name_their_column() {
        let e = Entry::next(None, new("incident", "1", None, Hash([1; 32]))).unwrap();
        let row = AuditRow::from(&e);
        assert_eq!(row.parse().unwrap(), e);

        let mut bad = row.clone();
        bad.after_hash = "xyz".into();
        let err = bad.parse().unwrap_err();
        assert_eq!(err.seq, 1);
        assert!(matches!(
            err.source,
            EntryError::Field {
                field: "after_hash",
                ..
            }
        ));
        assert!(err
            .to_string()
            .starts_with("audit log row seq 1: audit entry field after_hash"));

        let mut bad = row.clone();
        bad.at = "2026-11-29T10:15:00Z".into();
        assert!(matches!(
            bad.parse().unwrap_err().source,
            EntryError::Field { field: "at", .. }
        ));
        let mut bad = row;
        bad.seq = 0;
        assert!(matches!(
            bad.parse().unwrap_err().source,
            EntryError::Field { field: "seq", .. }
        ));
    }
}
