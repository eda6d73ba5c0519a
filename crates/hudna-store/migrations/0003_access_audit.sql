-- 0003: who may see and change the record (organisations, users, API tokens, sessions), the
-- visibility of incidents, humanitarian notifications filed through the API, and server
-- settings. The audit log itself is the next step (hudna-audit's `audit_log.sql`).
--
-- The tables named as audited kinds in `crates/hudna-store/src/sqlite/audit.rs` are never
-- changed without an audit entry written in the same transaction; their rows are checked
-- against the log by `hudna audit verify`.

-- Member states' delegations, UN agencies, NGOs.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,                 -- member_state | un_agency | ngo | other
    represents TEXT    NOT NULL DEFAULT '',      -- actor codes it speaks for, comma-separated
    created_at TEXT    NOT NULL
);

-- Accounts. One role per account (hudna-access `Role`).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    role          TEXT    NOT NULL,
    password_hash TEXT,                          -- argon2id PHC string; NULL: token-only account
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
);

-- API tokens: only the look-up prefix and the SHA-256 of the whole token are kept.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    prefix     TEXT    NOT NULL UNIQUE,
    hash       TEXT    NOT NULL,
    label      TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    revoked_at TEXT
);

-- Signed-in browser sessions, keyed by the SHA-256 of the cookie value. Not audited: a
-- session changes nothing in the record, and every change made in one names the user.
CREATE TABLE sessions (
    key        TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Server settings that must survive a restart (the CSRF key).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- Who may read each incident (hudna-access `Visibility` text form). What hudna reads from
-- the news is for the contact group until an analyst publishes it.
ALTER TABLE incidents ADD COLUMN visibility TEXT NOT NULL DEFAULT 'members';

-- Humanitarian notifications filed through the API or the dashboard: a site (point and
-- radius) or a movement (route and corridor) that an organisation told parties about.
-- Visible to the filing organisation, the organisations that speak for the notified parties,
-- and the co-chairs. Never deleted: withdrawn ones keep their row with `status = withdrawn`.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    kind        TEXT    NOT NULL,                -- site | movement
    name        TEXT    NOT NULL,
    facility    TEXT,                            -- sites: hospital | school | warehouse | camp | other
    geometry    TEXT    NOT NULL,                -- GeoJSON Point (site) or LineString (movement)
    radius_km   REAL,                            -- sites
    corridor_km REAL,                            -- movements: full width
    valid_from  TEXT,                            -- RFC 3339, UTC
    valid_until TEXT,
    parties     TEXT    NOT NULL,                -- JSON array of {party, at}
    truce_id    TEXT,                            -- the truce it is filed under, if any
    status      TEXT    NOT NULL DEFAULT 'active', -- active | withdrawn
    visibility  TEXT    NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX notifications_by_org ON notifications (org_id);

-- What analysts decided about an incident, kept by its public id so that it survives
-- consolidation giving the incident a new row (a new seed) or a new public id.
CREATE TABLE incident_settings (
    public_id  INTEGER PRIMARY KEY,
    visibility TEXT    NOT NULL
);
CREATE TRIGGER incidents_keep_settings_insert AFTER INSERT ON incidents
WHEN EXISTS (SELECT 1 FROM incident_settings s WHERE s.public_id = NEW.public_id)
BEGIN
    UPDATE incidents
       SET visibility = (SELECT visibility FROM incident_settings s WHERE s.public_id = NEW.public_id)
     WHERE id = NEW.id;
END;
CREATE TRIGGER incidents_keep_settings_update AFTER UPDATE OF public_id ON incidents
WHEN EXISTS (SELECT 1 FROM incident_settings s WHERE s.public_id = NEW.public_id)
BEGIN
    UPDATE incidents
       SET visibility = (SELECT visibility FROM incident_settings s WHERE s.public_id = NEW.public_id)
     WHERE id = NEW.id;
END;
