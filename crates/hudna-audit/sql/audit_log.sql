-- hudna's audit log (SQLite). Included by the store as one migration step; see the
-- hudna-audit crate documentation for how each change must write its entry.
--
-- One row per entry, in `seq` order from 1 without gaps. The columns are the fields of
-- hudna_audit::Entry in their text forms (hashes: 64 lower-case hex digits; `at`:
-- YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC).
--
-- The triggers make the table append-only for everything that goes through SQLite: UPDATE
-- and DELETE are refused, and an INSERT must be the next entry of the chain. They keep honest
-- code honest; they do not stop someone who can edit the file (they can drop a trigger), which
-- is what `hudna audit verify` is for.

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    at          TEXT    NOT NULL CHECK (length(at) = 27 AND at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    actor       TEXT    NOT NULL CHECK (actor = 'system' OR actor GLOB 'user:*' OR actor GLOB 'cli:?*'),
    action      TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    record_kind TEXT    NOT NULL CHECK (length(record_kind) BETWEEN 1 AND 32),
    record_id   TEXT    NOT NULL CHECK (length(record_id) BETWEEN 1 AND 128),
    before_hash TEXT             CHECK (before_hash IS NULL OR (length(before_hash) = 64 AND before_hash NOT GLOB '*[^0-9a-f]*')),
    after_hash  TEXT    NOT NULL CHECK (length(after_hash) = 64 AND after_hash NOT GLOB '*[^0-9a-f]*'),
    prev_hash   TEXT    NOT NULL CHECK (length(prev_hash) = 64 AND prev_hash NOT GLOB '*[^0-9a-f]*'),
    hash        TEXT    NOT NULL CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')
) STRICT;

-- The latest entry of a record (for NewEntry::check_follows and for listings by record).
CREATE INDEX audit_log_by_record ON audit_log (record_kind, record_id, seq);

-- `hudna audit log --since`.
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE TRIGGER audit_log_no_update
BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER audit_log_no_delete
BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: DELETE is not allowed');
END;

-- An entry must come right after the last one. This also defeats INSERT OR REPLACE, which
-- would otherwise delete the row it replaces without firing the DELETE trigger: replacing
-- needs an existing seq, and only the next seq is accepted.
CREATE TRIGGER audit_log_append_in_order
BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT COALESCE(
        (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
        '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'audit_log: an entry must follow the last one (seq = last seq + 1, prev_hash = last hash)');
END;
