-- 0002: truces and findings; incident ids that never change; how precisely a day is known.

-- --- Incident identity ---------------------------------------------------------------------
-- An incident's row id is its seed mention's id, which changes when an earlier or finer
-- report of the same event arrives. Findings, links to /incidents/{id} and the audit log need
-- an id that never changes once given: `public_id`. It is the seed's id when the incident is
-- created, and passes to the successor that takes the largest share of its reports when its
-- block is recomputed. An id whose incident was merged into another is kept in
-- `incident_aliases`, so that it still leads somewhere, and is never given again.
ALTER TABLE incidents ADD COLUMN public_id INTEGER;
UPDATE incidents SET public_id = id;
CREATE INDEX incidents_by_public_id ON incidents (public_id);

CREATE TABLE incident_aliases (
    public_id      INTEGER PRIMARY KEY,          -- an id no incident carries any more
    into_public_id INTEGER NOT NULL              -- the incident it was merged into (may itself be an alias)
);

-- --- Date precision --------------------------------------------------------------------------
-- `day`: a source gives the day. `reported`: no source gives a day, and `reported` holds the
-- earliest publication day of its sources; the event is taken to lie in the three days
-- before it or on it. NULL: neither is known.
ALTER TABLE incidents ADD COLUMN date_precision TEXT;
ALTER TABLE incidents ADD COLUMN reported TEXT;
UPDATE incidents SET date_precision = 'day' WHERE date IS NOT NULL;
-- Vote field 5 is the publication day of an undated source (see hudna-record).
INSERT OR IGNORE INTO incident_votes (incident_id, field, value, grp)
    SELECT l.incident_id, 5, a.published, a.syndication_group
    FROM incident_sources l
    JOIN mentions m ON m.id = l.mention_id
    JOIN articles a ON a.id = m.article_id
    WHERE m.date IS NULL AND a.published IS NOT NULL;
UPDATE incidents
    SET reported = (SELECT MIN(v.value) FROM incident_votes v
                    WHERE v.incident_id = incidents.id AND v.field = 5)
    WHERE date IS NULL;
UPDATE incidents SET date_precision = 'reported' WHERE date IS NULL AND reported IS NOT NULL;

-- --- Truces --------------------------------------------------------------------------------
-- Every version of a truce is kept: its TOML as loaded and the geometry files it names, so
-- that `truce show` and later checks never depend on the files still being there.
CREATE TABLE truces (
    id              TEXT    PRIMARY KEY,
    current_version INTEGER NOT NULL
);

CREATE TABLE truce_versions (
    truce_id     TEXT    NOT NULL REFERENCES truces (id),
    version      INTEGER NOT NULL,               -- 1, 2, ...
    content_hash BLOB    NOT NULL,               -- SHA-256 of the TOML and its files: same content, same version
    source       TEXT    NOT NULL,               -- the path it was loaded from
    name_en      TEXT    NOT NULL,
    name_ar      TEXT    NOT NULL,
    loaded_at    TEXT    NOT NULL,               -- UTC, RFC 3339
    changes      TEXT    NOT NULL,               -- JSON: the terms added, removed, changed since the previous version
    toml         TEXT    NOT NULL,
    PRIMARY KEY (truce_id, version)
);

CREATE TABLE truce_files (
    truce_id TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    path     TEXT    NOT NULL,                   -- as the TOML names it (relative to the TOML)
    content  TEXT    NOT NULL,
    PRIMARY KEY (truce_id, version, path),
    FOREIGN KEY (truce_id, version) REFERENCES truce_versions (truce_id, version)
);

-- The terms of each version, for listings (the TOML stays the authority).
CREATE TABLE truce_terms (
    truce_id TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    ordinal  INTEGER NOT NULL,                   -- order in the file
    term_id  TEXT    NOT NULL,                   -- parties: `party:CODE`
    kind     TEXT    NOT NULL,                   -- period | party | designation | zone | site | movement
    status   TEXT,                               -- in_force | proposed, where the term has one
    label    TEXT    NOT NULL,                   -- one line: what it is
    PRIMARY KEY (truce_id, version, ordinal),
    FOREIGN KEY (truce_id, version) REFERENCES truce_versions (truce_id, version)
);

-- --- Checks and findings --------------------------------------------------------------------
-- One row per truce judged by a `hudna check`.
CREATE TABLE check_runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    truce_id         TEXT    NOT NULL,
    truce_version    INTEGER NOT NULL,
    previous_version INTEGER,                    -- the version the previous run judged by
    started_at       TEXT    NOT NULL,
    seconds          REAL    NOT NULL,
    incidents        INTEGER NOT NULL,           -- incidents in the record
    evaluated        INTEGER NOT NULL,           -- judged in this run (new, changed, or reached by a changed term)
    undated          INTEGER NOT NULL,           -- without any date: not judged
    unlocated        INTEGER NOT NULL,           -- without coordinates: not judged
    gone             INTEGER NOT NULL,           -- judged before, no longer in the record
    findings         INTEGER NOT NULL,           -- findings after the run
    added            INTEGER NOT NULL,
    removed          INTEGER NOT NULL,
    changed          INTEGER NOT NULL,
    term_changes     TEXT    NOT NULL            -- JSON: the terms that changed since the previous run
);

-- The findings now, under each truce's current version. An incident is named by its public id.
CREATE TABLE findings (
    truce_id        TEXT    NOT NULL,
    incident_id     INTEGER NOT NULL,
    proposal_term   TEXT    NOT NULL,            -- '' for findings under the terms in force
    proposal_effect TEXT    NOT NULL,            -- '' | would_add | would_remove | would_change
    rule            TEXT    NOT NULL,
    term            TEXT    NOT NULL,
    truce_version   INTEGER NOT NULL,            -- the version it holds under
    severity        TEXT    NOT NULL,
    confidence      REAL    NOT NULL,
    distance_km     REAL,
    explanation     TEXT    NOT NULL,
    first_run       INTEGER NOT NULL,            -- the run that found it
    run             INTEGER NOT NULL,            -- the run that last wrote it
    PRIMARY KEY (truce_id, incident_id, proposal_term, proposal_effect, rule, term)
);
CREATE INDEX findings_by_rule ON findings (rule, truce_id);

-- What each run changed, with the reason.
CREATE TABLE finding_changes (
    run_id          INTEGER NOT NULL REFERENCES check_runs (id),
    seq             INTEGER NOT NULL,
    change          TEXT    NOT NULL,            -- added | removed | changed
    truce_id        TEXT    NOT NULL,
    incident_id     INTEGER NOT NULL,
    proposal_term   TEXT    NOT NULL,
    proposal_effect TEXT    NOT NULL,
    rule            TEXT    NOT NULL,
    term            TEXT    NOT NULL,
    before          TEXT,                        -- JSON of the finding before (removed, changed)
    after           TEXT,                        -- JSON of the finding after (added, changed)
    reason          TEXT    NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- What each incident was last judged as, per truce: the hash of what the engine reads of it
-- and the truce version. A re-run judges only incidents whose hash or version differ.
CREATE TABLE check_state (
    truce_id      TEXT    NOT NULL,
    incident_id   INTEGER NOT NULL,              -- public id
    incident_hash INTEGER NOT NULL,
    truce_version INTEGER NOT NULL,
    PRIMARY KEY (truce_id, incident_id)
) WITHOUT ROWID;

-- --- Facts about the database itself ---------------------------------------------------------
-- e.g. `demo` = the scenario a `hudna demo` database was built from, so that it can be
-- rebuilt without asking, while any other database is never overwritten unasked.
CREATE TABLE record_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
