//! Truce terms as data, and the compliance engine that judges incidents against them.
//!
//! A ceasefire is an agreement with dates, parties, excluded groups, places and promises
//! about aid. Monitors usually hold it in their heads; hudna holds it in a file
//! ([`Truce`], read by [`load_truce`] from TOML plus GeoJSON, see `docs/truce-format.md`)
//! so that every incident can be checked against it the same way, by anyone, with the
//! reason written out.
//!
//! The pieces:
//! - [`load_truce`] / [`parse_truce`] read and validate a truce. Every problem names the
//!   file, the line and the field; geometries are checked (closed, not self-intersecting,
//!   in range, not empty); actor codes are checked against the theatre's list, which the
//!   caller passes in ([`ActorCodes`]) so that this crate stays theatre-neutral.
//! - [`Engine`] compiles truces into R-tree indexes and turns [`CheckedIncident`]s into
//!   [`Finding`]s: which truce and term, which [`Rule`], how grave, how certain, and a
//!   one-line explanation with the distance and the time that triggered it, in English and
//!   in Arabic (the Arabic wording lives in one module, `arabic.rs`).
//! - [`Checker`] keeps incidents and findings between runs so that only new or changed
//!   incidents, and only the incidents a changed term can touch, are evaluated again; it
//!   reports what changed as a [`FindingDiff`].
//! - [`bench`] generates a large synthetic theatre and measures the engine against a naive
//!   incidents × terms scan.
//!
//! Nothing here touches storage: the record (incidents, truce versions, findings) is the
//! store's job; this crate is the pure function from terms and incidents to findings.

mod arabic;
pub mod bench;
mod checker;
mod confidence;
mod engine;
mod error;
mod finding;
mod geometry;
mod incident;
mod load;
mod model;
mod spatial;
mod time;

pub use checker::{Checker, FindingDiff, TermChange};
pub use confidence::{inside_probability, UNATTRIBUTED_FACTOR, UNCERTAIN_GROUP_FACTOR};
pub use engine::{Engine, RunStats};
pub use error::{LoadError, Problem};
pub use finding::{Effect, Finding, ProposalEffect, Rule, Severity};
pub use geometry::GeometryError;
pub use incident::{extracted_id, extracted_ids, CheckedIncident, DatePrecision, UNKNOWN_ACTOR};
pub use load::{load_truce, parse_truce, parse_truce_with, ActorCodes};
pub use model::{
    Basis, Designation, Facility, Movement, Names, Notice, Notification, NotificationKind,
    NotificationVisibility, Party, PartyRole, Period, Site, Source, Status, Truce, Window, Zone,
    ZoneKind, FILED_TERM_PREFIX,
};
pub use time::parse_offset as parse_utc_offset;
