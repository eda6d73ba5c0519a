//! The incident record's storage.
//!
//! Everything hudna knows lives here: the articles it read, the incidents the extractor
//! found in each (mentions), the consolidated incidents, and the links between them. Callers
//! speak to the [`Store`] trait only, so a PostgreSQL backend can take the place of the
//! embedded SQLite one ([`SqliteStore`]) without touching them; all SQL stays inside the
//! backend module.
//!
//! Truces (every version, with the files they name), the findings of checks and the
//! bookkeeping that makes re-checks incremental live beside the record, behind
//! [`TruceStore`], which every [`Store`] also is.
//!
//! The trait offers primitives, not policy: deciding what is a duplicate, which articles are
//! syndicated copies and which mentions form one incident is the job of `hudna-record`, so
//! that every backend gives the same record.
//!
//! Beside the trait, the SQLite backend keeps what the shared record's server needs: the
//! organisations, users, API tokens and sessions of [hudna-access](../hudna_access/index.html)
//! (`sqlite::access`), humanitarian notifications (`sqlite::notifications`), the server's
//! read queries under a caller's visibility scope with cursor pagination (`sqlite::read`),
//! and the audit log (`sqlite::audit`): every change to an audited table — by a batch
//! ([`Store::begin`] … [`Store::commit`]) or by [`SqliteStore::write`] — is logged in the same
//! transaction, and [`SqliteStore::audit_verify`] checks the log and the tables against each
//! other.

mod model;
mod sqlite;
mod truce;

pub use model::{
    ArticleId, ClusterMention, DatePrecision, DayWindow, Dump, IncidentFilter, IncidentRecord,
    IncidentWithSources, MentionId, NewArticle, NewMention, SourceRecord, Spot,
};
pub use sqlite::audit::{
    audited_kind, tombstone, AuditedKind, Changes, LoggedEntry, VerifyReport, AUDITED,
};
pub use sqlite::notifications::NotificationRecord;
pub use sqlite::read::{
    ArticleView, Cursor, IncidentPage, IncidentQuery, MentionView, RecordReaders, SourceView,
    NOTIFICATION_RULES,
};
pub use sqlite::{peek_meta, SqliteStore, MIGRATIONS};
pub use truce::{
    CheckRun, CheckState, FindingChange, FindingFilter, NewTruceVersion, StoredFinding,
    StoredProposal, TermRow, TruceStore, TruceSummary, TruceVersion,
};

/// Opens the record at `location`, creating it when absent, with its schema brought up to
/// date. Every caller goes through here, so that the backend is chosen in one place: today
/// a location is an SQLite file; a `postgres://` URL is refused until that backend exists.
pub fn open(location: &str) -> Result<Box<dyn Store + Send>, StoreError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Err(StoreError::Unsupported {
            location: location.to_string(),
            what: "PostgreSQL is not built into this hudna yet; use an SQLite file".into(),
        });
    }
    Ok(Box::new(SqliteStore::open(std::path::Path::new(location))?))
}

/// Opens the record at `location`, which must already exist, with its schema brought up to
/// date: what the commands that only read the record use, so that a mistyped location is
/// an error ([`StoreError::NoDatabase`]) and not a new, empty record.
pub fn open_existing(location: &str) -> Result<Box<dyn Store + Send>, StoreError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return open(location);
    }
    Ok(Box::new(SqliteStore::open_existing(std::path::Path::new(
        location,
    ))?))
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database engine reported an error.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: String,
        /// The engine's error.
        source: rusqlite::Error,
    },
    /// There is no database where one was expected (a command that reads the record was
    /// given a file that does not exist).
    #[error(
        "database {path} does not exist; check --db (or HUDNA_DB), or build a record first \
         with `hudna ingest` or `hudna demo`"
    )]
    NoDatabase {
        /// The location given.
        path: String,
    },
    /// The database was written by a newer hudna.
    #[error(
        "database {path} has schema version {found}, newer than this hudna knows ({known}); \
         upgrade hudna"
    )]
    NewerSchema {
        /// The database file.
        path: String,
        /// Version found in the file.
        found: i64,
        /// Highest version this build knows.
        known: i64,
    },
    /// A stored value cannot be read back (edited by hand, or a bug).
    #[error("database {path}: {what}")]
    Corrupt {
        /// The database file.
        path: String,
        /// What is wrong.
        what: String,
    },
    /// Two different texts hash to the same article id (never seen in practice; refused
    /// rather than silently merged).
    #[error("article id {id} is already used by another text (hash collision)")]
    IdCollision {
        /// The id.
        id: i64,
    },
    /// Writing an export failed.
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    /// The location names a backend this build does not have.
    #[error("{location}: {what}")]
    Unsupported {
        /// The location given.
        location: String,
        /// Why it cannot be used.
        what: String,
    },
    /// The caller's visitor stopped the export with an error.
    #[error("{0}")]
    Visitor(String),
    /// A value given for a field cannot be stored (named, with the reason).
    #[error("{field}: {reason}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The change clashes with what is stored (a name already taken).
    #[error("{0}")]
    Conflict(String),
    /// The audit log could not be written or refused the change (a row changed outside
    /// hudna since its last entry).
    #[error("audit log: {0}")]
    Audit(String),
    /// A record's row no longer matches its last audit entry: it was changed outside hudna,
    /// and hudna will not build on it.
    #[error("{0}")]
    OutOfBand(String),
}

/// Storage of the record. Object safe, so the binary can hold a `Box<dyn Store>` chosen at
/// run time. Truces, findings and checks are part of every store ([`TruceStore`]).
///
/// Writes happen between [`Store::begin`] and [`Store::commit`]: one ingest batch is one
/// transaction, so a crash loses at most the batch in flight and never leaves half of one.
pub trait Store: TruceStore {
    /// Starts a write batch.
    fn begin(&mut self) -> Result<(), StoreError>;
    /// Makes the batch durable.
    fn commit(&mut self) -> Result<(), StoreError>;
    /// Abandons the batch.
    fn rollback(&mut self) -> Result<(), StoreError>;
    /// Who the following batches' changes are logged as in the audit log (`None`: hudna
    /// itself, `system`). A command run by someone (`cli:<user>`) or a request made by an
    /// account (`user:<id>`) sets it, so that the log says who ingested, loaded or checked.
    fn set_batch_actor(&mut self, actor: Option<hudna_audit::Actor>);

    // --- articles -------------------------------------------------------------------

    /// The id of the article with this content hash, if stored.
    fn article_by_hash(&mut self, hash: &[u8; 32]) -> Result<Option<ArticleId>, StoreError>;
    /// Stores a new article.
    fn insert_article(&mut self, article: &NewArticle<'_>) -> Result<(), StoreError>;
    /// Number of stored articles.
    fn article_count(&mut self) -> Result<u64, StoreError>;

    // --- near-duplicate groups --------------------------------------------------------

    /// The MinHash signature of a stored article.
    fn minhash(&mut self, article: ArticleId) -> Result<Option<Vec<u32>>, StoreError>;
    /// The rows of the LSH buckets `keys`: (bucket, group, article), by group then article.
    fn lsh_lookup(&mut self, keys: &[i64]) -> Result<Vec<(i64, i64, ArticleId)>, StoreError>;
    /// Files an article under LSH bucket `key` for `group`.
    fn lsh_insert(&mut self, key: i64, group: i64, article: ArticleId) -> Result<(), StoreError>;
    /// Members of a group with their signatures, by id.
    fn group_members(&mut self, group: i64) -> Result<Vec<(ArticleId, Vec<u32>)>, StoreError>;
    /// Number of articles in a group.
    fn group_size(&mut self, group: i64) -> Result<u64, StoreError>;
    /// Moves one article, and its LSH rows (`keys`), from group `from` to group `to`.
    fn regroup_article(
        &mut self,
        article: ArticleId,
        keys: &[i64],
        from: i64,
        to: i64,
    ) -> Result<(), StoreError>;
    /// The canonical article of a group: its smallest id.
    fn group_canonical(&mut self, group: i64) -> Result<Option<ArticleId>, StoreError>;
    /// Records `article` as a copy of `canonical` (`None`: it is canonical itself).
    fn set_canonical(
        &mut self,
        article: ArticleId,
        canonical: Option<ArticleId>,
    ) -> Result<(), StoreError>;
    /// Points every copy of `from` at `to` instead.
    fn repoint_canonical(&mut self, from: ArticleId, to: ArticleId) -> Result<(), StoreError>;
    /// Consolidation blocks that hold mentions of articles of `group`.
    fn blocks_of_group(&mut self, group: i64) -> Result<Vec<i64>, StoreError>;

    // --- mentions and spots -------------------------------------------------------------

    /// Whether a mention with this id is stored (structured sources are keyed by it).
    fn mention_exists(&mut self, id: MentionId) -> Result<bool, StoreError>;
    /// The block of a stored spot.
    fn spot_block(&mut self, id: i64) -> Result<Option<i64>, StoreError>;
    /// Stores a new spot.
    fn insert_spot(&mut self, spot: &Spot) -> Result<(), StoreError>;
    /// Spots of one type whose point lies in the box and whose days fall in `days` (see
    /// [`DayWindow`]; every spot when `None`), by id.
    fn spots_in_box(
        &mut self,
        kind: &str,
        days: Option<&DayWindow>,
        lat: (f64, f64),
        lon: (f64, f64),
    ) -> Result<Vec<Spot>, StoreError>;
    /// Spots of one type with this place key whose days fall in `days` (see [`DayWindow`];
    /// every spot when `None`), by id.
    fn spots_named(
        &mut self,
        kind: &str,
        place_key: &str,
        days: Option<&DayWindow>,
    ) -> Result<Vec<Spot>, StoreError>;
    /// Number of spots in a block.
    fn block_size(&mut self, block: i64) -> Result<u64, StoreError>;
    /// Moves every spot of block `from` into block `to`.
    fn relabel_block(&mut self, from: i64, to: i64) -> Result<(), StoreError>;
    /// Stores a mention.
    fn insert_mention(&mut self, mention: &NewMention<'_>) -> Result<(), StoreError>;
    /// Every mention of a block, with what consolidation needs, by id.
    fn block_mentions(&mut self, block: i64) -> Result<Vec<ClusterMention>, StoreError>;

    // --- incidents ---------------------------------------------------------------------

    /// A stored incident.
    fn incident(&mut self, id: i64) -> Result<Option<IncidentRecord>, StoreError>;
    /// Inserts or replaces an incident.
    fn put_incident(&mut self, incident: &IncidentRecord) -> Result<(), StoreError>;
    /// The incidents of a block, each with its seed mention's spot.
    fn block_incidents(&mut self, block: i64) -> Result<Vec<(IncidentRecord, Spot)>, StoreError>;
    /// An incident's votes: (field, value, number of independent sources giving it).
    fn votes(&mut self, incident: i64) -> Result<Vec<(u8, String, u32)>, StoreError>;
    /// Moves an incident's links and votes to another id (its seed changed).
    fn rename_incident(&mut self, from: i64, to: i64) -> Result<(), StoreError>;
    /// Forgets an incident's votes.
    fn clear_votes(&mut self, incident: i64) -> Result<(), StoreError>;
    /// Records votes (field, value, source group); a vote already recorded is kept once.
    fn add_votes(&mut self, incident: i64, votes: &[(u8, String, i64)]) -> Result<(), StoreError>;
    /// Removes an incident (its links must have moved first), with its votes.
    fn delete_incident(&mut self, id: i64) -> Result<(), StoreError>;
    /// Links a mention to an incident with the source's attribution.
    fn link(
        &mut self,
        mention: MentionId,
        incident: i64,
        attribution: &str,
    ) -> Result<(), StoreError>;
    /// Number of incidents.
    fn incident_count(&mut self) -> Result<u64, StoreError>;

    // --- incident identity ---------------------------------------------------------------

    /// Whether a public id is carried by an incident or was retired into another. Retired
    /// ids are never given again, so an old link can only ever lead to its incident's
    /// successor.
    fn public_id_taken(&mut self, public_id: i64) -> Result<bool, StoreError>;
    /// Records that the incident known as `public_id` was merged into the one known as
    /// `into`.
    fn retire_public_id(&mut self, public_id: i64, into: i64) -> Result<(), StoreError>;
    /// Where a public id leads now: itself while an incident carries it, else the incident
    /// it was merged into (through every later merge); `None` when it was never given.
    fn resolve_public_id(&mut self, public_id: i64) -> Result<Option<i64>, StoreError>;
    /// The incident a public id leads to (see [`Store::resolve_public_id`]).
    fn incident_by_public_id(
        &mut self,
        public_id: i64,
    ) -> Result<Option<IncidentRecord>, StoreError>;

    /// Streams the consolidated incidents that pass `filter`, in (date, id) order, without
    /// their sources: what a consumer that judges incidents (the compliance engine, a map)
    /// needs, at the cost of one indexed scan. Returns how many were visited.
    fn incidents(
        &mut self,
        filter: &IncidentFilter,
        visit: &mut dyn FnMut(&IncidentRecord) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError>;

    /// Streams the incidents that pass `filter`, in (date, id) order (undated last), each
    /// with its sources by mention id. Returns how many were visited.
    fn export(
        &mut self,
        filter: &IncidentFilter,
        visit: &mut dyn FnMut(&IncidentWithSources) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError>;

    /// Fills the record with synthetic incidents, one mention each (benchmarks only).
    fn insert_synthetic(&mut self, incidents: &[IncidentRecord]) -> Result<(), StoreError>;

    /// Writes the record in a canonical order, without ingest times or internal labels:
    /// two runs that should agree give byte-identical dumps.
    fn dump(&mut self, out: &mut dyn std::io::Write) -> Result<Dump, StoreError>;
}
