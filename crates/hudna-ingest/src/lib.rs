//! Readers of what hudna ingests.
//!
//! Reports reach a monitoring mission in every shape: JSON Lines from a scraper, saved web
//! pages, RSS and Atom feeds, and event datasets such as UCDP GED. Each reader turns its
//! format into [`Entry`]s (an article, or an already-structured event) and never stops at
//! bad input: anything it cannot use becomes a [`Rejection`] naming the file, the line or
//! item, and the reason, and the reading goes on.
//!
//! Readers stream where the format allows (JSON Lines, CSV) and hand entries to a sink one
//! at a time, so a caller can batch them into transactions as they come.

mod feed;
mod ged;
mod html;
mod jsonl;

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

pub use ged::{GedActors, GED_SOURCE};
use hudna_core::{Article, Incident};

/// A format hudna reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Articles, one JSON object a line (the evaluation schema).
    Jsonl,
    /// One saved web page.
    Html,
    /// An RSS 2.0 or Atom feed: one article per item.
    Feed,
    /// UCDP GED event rows (CSV).
    Ged,
}

impl Format {
    /// The name used on the command line and in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Html => "html",
            Format::Feed => "feed",
            Format::Ged => "ged",
        }
    }

    /// The format a file name's extension stands for.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "xml" | "rss" | "atom" => Some(Format::Feed),
            "csv" => Some(Format::Ged),
            _ => None,
        }
    }

    /// Guesses the format from the first bytes of the content.
    pub fn sniff(head: &[u8]) -> Option<Format> {
        let text = String::from_utf8_lossy(&head[..head.len().min(2048)]);
        let t = text.trim_start_matches('\u{feff}').trim_start();
        let lower = t.to_ascii_lowercase();
        if t.starts_with('{') {
            Some(Format::Jsonl)
        } else if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
            Some(Format::Html)
        } else if lower.starts_with('<') {
            if lower.contains("<rss") || lower.contains("<feed") || lower.contains("<rdf:rdf") {
                Some(Format::Feed)
            } else if lower.contains("<html") {
                Some(Format::Html)
            } else {
                None
            }
        } else if lower.starts_with("id,") && lower.contains("type_of_violence") {
            Some(Format::Ged)
        } else {
            None
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "jsonl" => Ok(Format::Jsonl),
            "html" => Ok(Format::Html),
            "feed" => Ok(Format::Feed),
            "ged" => Ok(Format::Ged),
            _ => Err(format!(
                "unknown format `{s}` (expected one of: auto jsonl html feed ged)"
            )),
        }
    }
}

/// Where an entry came from, kept with the article in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file (`-` for standard input).
    pub file: String,
    /// Its format.
    pub format: Format,
    /// Where in the file: `line 12`, `item 3`; none for a whole-file article.
    pub locator: Option<String>,
}

/// An event that arrives already structured (a dataset row), with the source noted.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable reference of the row in its dataset (`ucdp-ged:214797`): the key that makes
    /// re-ingesting the same rows add nothing.
    pub source_ref: String,
    /// Who reported it, as the dataset says.
    pub source_note: String,
    /// The incident it describes.
    pub incident: Incident,
}

/// One thing read.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// An article, to be extracted.
    Article {
        /// Where from.
        origin: Origin,
        /// The article.
        article: Article,
    },
    /// A structured event.
    Event {
        /// Where from.
        origin: Origin,
        /// The event.
        event: Event,
    },
}

/// Input that was not used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The file.
    pub file: String,
    /// Line or item, when the problem is local to one.
    pub locator: Option<String>,
    /// The reason.
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.locator {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl Rejection {
    fn new(file: &str, locator: Option<String>, reason: impl Into<String>) -> Rejection {
        Rejection {
            file: file.to_string(),
            locator,
            reason: reason.into(),
        }
    }
}

/// An input named on the command line, after directories were expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// How to name it in messages and in the record.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// Why the inputs could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A path named on the command line does not exist or cannot be read.
    #[error("{path}: {source}")]
    Path {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Expands the paths given by the user: `-` is standard input, a directory contributes its
/// files with a known extension (recursively, in name order, so every run reads the same
/// sequence), a file is taken as it is.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<Input>, InputError> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|source| InputError::Path {
            path: p.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Input>) -> Result<(), InputError> {
    let err = |source| InputError::Path {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else if Format::from_extension(&p).is_some() {
            out.push(Input::File(p));
        }
    }
    Ok(())
}

/// What a reader needs besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The format, or `None` to decide per file (extension, then content).
    pub format: Option<Format>,
    /// How GED actor names map to the theatre's actor codes.
    pub ged_actors: GedActors,
}

/// Reads one input, handing every entry or rejection to `sink` in input order. The sink's
/// error stops the reading and is returned. JSON Lines and GED rows are read as a stream;
/// a page or a feed is one document and is read whole.
pub fn read_input<E>(
    input: &Input,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Result<Entry, Rejection>) -> Result<(), E>,
) -> Result<(), E> {
    let name = input.name();
    let raw: Box<dyn Read> = match input {
        Input::Stdin => Box::new(std::io::stdin().lock()),
        Input::File(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return sink(Err(Rejection::new(
                    &name,
                    None,
                    format!("cannot read: {e}"),
                )))
            }
        },
    };
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let format = match choose_format(input, options, &mut reader) {
        Ok(f) => f,
        Err(r) => return sink(Err(r)),
    };
    match format {
        Format::Jsonl => jsonl::read(&name, reader, sink),
        Format::Ged => ged::read(&name, reader, &options.ged_actors, sink),
        Format::Html | Format::Feed => {
            let mut bytes = Vec::new();
            if let Err(e) = reader.read_to_end(&mut bytes) {
                return sink(Err(Rejection::new(
                    &name,
                    None,
                    format!("cannot read: {e}"),
                )));
            }
            match format {
                Format::Html => html::read(&name, &bytes, sink),
                _ => feed::read(&name, &bytes, sink),
            }
        }
    }
}

/// The format asked for, else the extension's, else the content's (peeked, not consumed).
fn choose_format(
    input: &Input,
    options: &ReadOptions,
    reader: &mut dyn BufRead,
) -> Result<Format, Rejection> {
    let by_ext = match input {
        Input::File(p) => Format::from_extension(p),
        Input::Stdin => None,
    };
    if let Some(f) = options.format.or(by_ext) {
        return Ok(f);
    }
    let head = reader
        .fill_buf()
        .map_err(|e| Rejection::new(&input.name(), None, format!("cannot read: {e}")))?;
    Format::sniff(head).ok_or_else(|| {
        Rejection::new(
            &input.name(),
            None,
            "cannot tell the format (use --format jsonl|html|feed|ged)",
        )
    })
}

/// Reads an input already in memory (see [`read_input`]); `input` names it and gives its
/// extension.
pub fn read_bytes<E>(
    name: &str,
    input: &Input,
    bytes: &[u8],
    options: &ReadOptions,
    sink: &mut dyn FnMut(Result<Entry, Rejection>) -> Result<(), E>,
) -> Result<(), E> {
    let mut reader = bytes;
    let format = match choose_format(input, options, &mut reader) {
        Ok(f) => f,
        Err(mut r) => {
            r.file = name.to_string();
            return sink(Err(r));
        }
    };
    match format {
        Format::Jsonl => jsonl::read(name, bytes, sink),
        Format::Html => html::read(name, bytes, sink),
        Format::Feed => feed::read(name, bytes, sink),
        Format::Ged => ged::read(name, bytes, &options.ged_actors, sink),
    }
}

/// Checks that bytes are UTF-8, naming the line and column of the first bad byte.
fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, Rejection> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        let col = at
            - bytes[..at]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        Rejection::new(
            name,
            Some(format!("line {line}")),
            format!("not UTF-8 (invalid byte at column {col}); convert the file to UTF-8"),
        )
    })
}

#[cfg(test)]
mod tests;
