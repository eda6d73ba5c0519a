-- 0001: the incident record: articles, mentions, consolidated incidents and their links.
-- Later steps (truces, findings, organisations, the audit log) are new files
-- (0002_*.sql, ...) listed in `MIGRATIONS`; a released step is never edited.
-- Ids are deterministic: an article's is the first 63 bits of the SHA-256 of its folded
-- text, a mention's is derived from its article and position (or its structured source), an
-- incident's is the id of the mention that seeds it. Re-running an ingest therefore
-- reproduces the same rows, which is what makes kill -9 and re-run safe.

-- Articles, one row per distinct normalised text.
CREATE TABLE articles (
    -- Small columns first and the text last: reading a group label or a signature must not
    -- walk the text's overflow pages.
    id                INTEGER PRIMARY KEY,
    content_hash      BLOB    NOT NULL UNIQUE,   -- SHA-256 of the folded, space-collapsed text
    syndication_group INTEGER NOT NULL,          -- internal union-find label of its near-duplicate group
    external_id       TEXT,                      -- the caller's id (JSON Lines `id`, feed item id)
    url               TEXT,
    title             TEXT,
    published         TEXT,                      -- YYYY-MM-DD
    outlet            TEXT,
    source_file       TEXT    NOT NULL,          -- where it was first read
    source_format     TEXT    NOT NULL,          -- jsonl | html | feed
    source_locator    TEXT,                      -- `line 12`, `item 3`
    ingested_at       TEXT    NOT NULL,          -- UTC, RFC 3339
    minhash           BLOB    NOT NULL,          -- 128 little-endian u32 MinHash values
    text              TEXT    NOT NULL
);
CREATE INDEX articles_by_group ON articles (syndication_group, id);

-- Near-duplicate (syndicated) copies: article -> the canonical article of its group (the
-- group's smallest id). Canonical articles have no row.
CREATE TABLE syndication (
    article_id   INTEGER PRIMARY KEY REFERENCES articles (id),
    canonical_id INTEGER NOT NULL REFERENCES articles (id)
);
CREATE INDEX syndication_by_canonical ON syndication (canonical_id);

-- LSH buckets of the MinHash signatures: one row per band of each article.
CREATE TABLE lsh_bands (
    band_key   INTEGER NOT NULL,
    grp        INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (band_key, grp, article_id)
) WITHOUT ROWID;

-- Spots: the distinct consolidation keys of mentions (type, day, place, perpetrator). Many
-- mentions share one; consolidation searches spots, not mentions, so a story copied a
-- thousand times costs one neighbour search.
CREATE TABLE spots (
    id          INTEGER PRIMARY KEY,
    type        TEXT    NOT NULL,
    date        TEXT,
    place_key   TEXT    NOT NULL,
    admin1      TEXT,
    lat         REAL,
    lon         REAL,
    precision   TEXT,
    perpetrator TEXT    NOT NULL,
    block       INTEGER NOT NULL                 -- internal label of its group of linked spots
);
-- Neighbour searches ask for one type, a day ±1 and a box or a name.
CREATE INDEX spots_near ON spots (type, date, lat, lon);
CREATE INDEX spots_named ON spots (type, place_key, date);
CREATE INDEX spots_by_block ON spots (block);

-- Mentions: what the extractor read in one article (or one structured event row).
CREATE TABLE mentions (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER REFERENCES articles (id),
    ordinal      INTEGER NOT NULL,               -- position in the article's extraction
    source_ref   TEXT,                           -- structured sources: `ucdp-ged:123456`
    source_note  TEXT,                           -- structured sources: who reported it
    source_group INTEGER,                        -- structured sources: the dataset, one source however many rows
    type         TEXT    NOT NULL,
    date         TEXT,
    place        TEXT,
    admin1       TEXT,
    lat          REAL,
    lon          REAL,
    precision    TEXT,
    perpetrator  TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    target_actor TEXT,
    killed       INTEGER,
    injured      INTEGER,
    claimed      INTEGER NOT NULL,
    evidence     TEXT    NOT NULL,               -- JSON [[start, end], ...], characters of the text
    spot         INTEGER NOT NULL REFERENCES spots (id)
);
CREATE INDEX mentions_by_article ON mentions (article_id);
CREATE INDEX mentions_by_spot ON mentions (spot);

-- Consolidated incidents.
CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,           -- = the id of its seed mention
    type          TEXT    NOT NULL,
    date          TEXT,
    place         TEXT,
    admin1        TEXT,
    lat           REAL,
    lon           REAL,
    precision     TEXT,
    perpetrator   TEXT    NOT NULL,
    contested     INTEGER NOT NULL,
    grade         TEXT    NOT NULL,              -- confirmed | fair | weak | contested
    killed        INTEGER,
    injured       INTEGER,
    target        TEXT    NOT NULL,
    target_actor  TEXT,
    claimed       INTEGER NOT NULL,
    investigation TEXT,                          -- reference of an investigation that established it
    sources       INTEGER NOT NULL,              -- independent sources (syndicated copies count once)
    reports       INTEGER NOT NULL,              -- mentions linked
    block         INTEGER NOT NULL,              -- internal label of its consolidation block
    place_mention INTEGER NOT NULL               -- the mention its place is taken from
);
CREATE INDEX incidents_by_date ON incidents (date);
CREATE INDEX incidents_by_admin1 ON incidents (admin1, date);
CREATE INDEX incidents_by_type ON incidents (type, date);
CREATE INDEX incidents_by_perpetrator ON incidents (perpetrator, date);
CREATE INDEX incidents_by_grade ON incidents (grade, date);
CREATE INDEX incidents_by_block ON incidents (block);

-- What each independent source (near-duplicate group, or structured row) says of an
-- incident: day, perpetrator, target, side attacked, and the source itself. An incident's
-- fields are votes over these, so a new report updates it without rereading every report.
CREATE TABLE incident_votes (
    incident_id INTEGER NOT NULL,
    field       INTEGER NOT NULL,                -- 0 day, 1 perpetrator, 2 target, 3 side attacked, 4 source
    value       TEXT    NOT NULL,
    grp         INTEGER NOT NULL,
    PRIMARY KEY (incident_id, field, value, grp)
) WITHOUT ROWID;

-- Which mentions make up each incident, with each source's own attribution.
CREATE TABLE incident_sources (
    mention_id  INTEGER PRIMARY KEY REFERENCES mentions (id),
    incident_id INTEGER NOT NULL REFERENCES incidents (id) DEFERRABLE INITIALLY DEFERRED,
    attribution TEXT    NOT NULL                 -- the perpetrator this source names
);
CREATE INDEX incident_sources_by_incident ON incident_sources (incident_id, mention_id);
