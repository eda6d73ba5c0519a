//! The shared vocabulary of hudna.
//!
//! Every other crate speaks in these types: the extractor produces [`Incident`]s from
//! [`Article`]s, the record stores and consolidates them, the compliance engine judges them.
//! Keeping them in one small crate with no heavy dependencies means a new consumer (a
//! converter, a script, another backend) can read hudna's data without pulling in the
//! extractor or the database.
//!
//! The JSON shapes follow the exchange format of the evaluation (`SCHEMA.md`): an article is
//! `{id, url, published, title, text}`, an incident is one event of one type, at one place,
//! on one day, by one perpetrator.

pub mod article;
mod incident;

pub use article::{Article, ArticleError, JsonlArticles, RejectedLine};
pub use incident::{GeoPrecision, Grade, Incident, IncidentType, Target, UnknownValue};
