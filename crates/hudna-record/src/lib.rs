//! Keeping the incident record: what happens to a report between the reader and the store.
//!
//! hudna keeps one record that many organisations argue over, so it must never lose a report,
//! never count one twice, and say how well each incident is sourced. This crate holds the
//! rules for that, independent of the storage backend:
//! - [`minhash`]: the content key that makes an article a duplicate, and the MinHash/LSH
//!   signatures that find syndicated copies (one story, small edits, many outlets);
//! - [`consolidate`]: which mentions are one event, and the incident's fields and grade;
//! - [`pipeline`]: batches in, transactions out, deterministic at every step so that a killed
//!   run re-run ends where an uninterrupted one would.

pub mod consolidate;
pub mod minhash;
pub mod pipeline;

pub use consolidate::Sides;
pub use pipeline::{Ingester, Observer, Options, Quiet, RecordError, RejectedInput, Summary};

use hudna_extract::{DataSource, ExtractError};
use hudna_ingest::GedActors;

/// What the record needs to know about a theatre besides what the extractor knows: which
/// actors are on one side, and how UCDP GED names them.
#[derive(Debug, Clone, Default)]
pub struct Theatre {
    /// Sides of the actors.
    pub sides: Sides,
    /// GED actor names.
    pub ged_actors: GedActors,
}

impl Theatre {
    /// Reads `theatres/<name>/sides.tsv` and `ged_actors.tsv` from `source` (both optional:
    /// without them every attribution is compatible and GED sides are `UNKNOWN`).
    pub fn load(source: &DataSource, name: &str) -> Result<Theatre, ExtractError> {
        let mut t = Theatre::default();
        let sides_rel = format!("theatres/{name}/sides.tsv");
        if let Some(text) = source.read(&sides_rel)? {
            t.sides = Sides::from_tsv(&text).map_err(|reason| bad(source, &sides_rel, &reason))?;
        }
        let ged_rel = format!("theatres/{name}/ged_actors.tsv");
        if let Some(text) = source.read(&ged_rel)? {
            t.ged_actors =
                GedActors::from_tsv(&text).map_err(|reason| bad(source, &ged_rel, &reason))?;
        }
        Ok(t)
    }
}

fn bad(source: &DataSource, rel: &str, reason: &str) -> ExtractError {
    let (line, reason) = match reason.strip_prefix("line ") {
        Some(rest) => {
            let (n, r) = rest.split_once(':').unwrap_or((rest, ""));
            (n.parse().unwrap_or(0), r.trim().to_string())
        }
        None => (0, reason.to_string()),
    };
    ExtractError::Data {
        file: source.describe(rel),
        line,
        reason,
    }
}
