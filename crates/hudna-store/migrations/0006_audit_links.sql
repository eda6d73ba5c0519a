-- 0006: the audited version of a record covers what hangs off it in other tables.
--
-- An article's audited hash now covers its syndication link (`syndication`), and an
-- incident's its links to its reports (`incident_sources`) and what analysts set on it
-- (`incident_settings`): a source deleted or a copy linked with sqlite3 is then found by
-- `hudna audit verify` like any changed field. The tables do not change. Because every such
-- record hashes differently now, the store logs its new hash (action `rehash`, by `system`)
-- in this step's transaction, for each record whose row still matched its last logged
-- version (`rehash_after_step_6` in crates/hudna-store/src/sqlite/audit.rs).
--
-- Logging an incident now reads its links, in every batch that touches it: the index by
-- incident carries the attribution too, so that reading them never visits the table.
DROP INDEX incident_sources_by_incident;
CREATE INDEX incident_sources_by_incident ON incident_sources (incident_id, mention_id, attribution);
