//! Incident extraction: Arabic and English news text in, geolocated incidents out.
//!
//! An [`Extractor`] is built once from the data files (lexicons under `data/lexicon/`, a
//! theatre's actors and gazetteer under `data/theatres/<name>/`) and then reads any number of
//! [`Article`]s. Every incident it reports carries `evidence`: the character spans of the
//! article text that support it, so an analyst can check each one against its words.
//!
//! Nothing about a language or a theatre is written in code: triggers, weapons, targets,
//! tolls, day words and discourse cues are rows in TSV files, and a new theatre is a new
//! folder with its own actors and gazetteer. See [`lexicon`] for how the files become one
//! matcher and the `engine` module for how an article is read.

mod data;
mod dates;
mod engine;
pub mod lexicon;
mod numbers;
#[cfg(test)]
mod tests;

pub use data::DataSource;
use hudna_core::{Article, Incident};
pub use lexicon::Lexicon;

/// Why the extractor could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// A data file is malformed.
    #[error("{file}:{line}: {reason}")]
    Data {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A required data file is absent.
    #[error("{path}: required data file is missing")]
    Missing {
        /// The file.
        path: String,
    },
    /// A data file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// The theatre used when none is named.
pub const DEFAULT_THEATRE: &str = "syria";

/// Reads articles into incidents; see the crate documentation.
#[derive(Debug)]
pub struct Extractor {
    lexicon: Lexicon,
}

impl Extractor {
    /// Builds an extractor for `theatre` from `source`.
    pub fn new(source: &DataSource, theatre: &str) -> Result<Extractor, ExtractError> {
        Ok(Extractor {
            lexicon: Lexicon::load(source, theatre)?,
        })
    }

    /// The extractor for the default theatre, from the data built into the binary.
    pub fn bundled() -> Result<Extractor, ExtractError> {
        Extractor::new(&DataSource::Bundled, DEFAULT_THEATRE)
    }

    /// The incidents of one article, in the order the article first reports them.
    pub fn extract(&self, article: &Article) -> Vec<Incident> {
        engine::Engine {
            lex: &self.lexicon,
            trace: None,
        }
        .extract(article)
    }

    /// As [`Extractor::extract`], also returning a plain-text account of the reading: each
    /// sentence, the words recognised in it and the events read from them. Meant for
    /// analysts who ask why an incident was (or was not) reported.
    pub fn extract_traced(&self, article: &Article) -> (Vec<Incident>, String) {
        let engine = engine::Engine {
            lex: &self.lexicon,
            trace: Some(std::cell::RefCell::new(String::new())),
        };
        let incidents = engine.extract(article);
        let trace = engine.trace.map(|t| t.into_inner()).unwrap_or_default();
        (incidents, trace)
    }

    /// The compiled lexicons and gazetteer.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }
}
