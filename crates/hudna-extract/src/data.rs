//! Where the lexicons and the theatre's data come from: the copy built into the binary, or
//! a directory laid out like the repository's `data/` (so a new theatre is a new folder).

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::ExtractError;

/// The data files, by path relative to `data/`.
macro_rules! bundled {
    ($($path:literal),+ $(,)?) => {
        &[$(($path, include_str!(concat!("../../../data/", $path)))),+]
    };
}

const BUNDLED: &[(&str, &str)] = bundled![
    "lexicon/events.tsv",
    "lexicon/weapons.tsv",
    "lexicon/targets.tsv",
    "lexicon/casualties.tsv",
    "lexicon/numbers.tsv",
    "lexicon/dates.tsv",
    "lexicon/discourse.tsv",
    "theatres/syria/actors.tsv",
    "theatres/syria/actor_names.tsv",
    "theatres/syria/sides.tsv",
    "theatres/syria/ged_actors.tsv",
    "theatres/syria/place_stopwords.tsv",
    "theatres/syria/places_extra.tsv",
    "theatres/syria/place_aliases.tsv",
    "theatres/syria/gazetteer/places.tsv",
    "theatres/syria/gazetteer/admin_units.tsv",
];

/// A source of data files.
#[derive(Debug, Clone, Default)]
pub enum DataSource {
    /// The files compiled into the binary from the repository's `data/`.
    #[default]
    Bundled,
    /// A directory with the same layout (`lexicon/`, `theatres/<name>/`).
    Dir(PathBuf),
}

impl DataSource {
    /// A directory source.
    pub fn dir(path: impl AsRef<Path>) -> DataSource {
        DataSource::Dir(path.as_ref().to_path_buf())
    }

    /// Reads a file by its path relative to the data root. `Ok(None)` if it does not exist
    /// (optional files).
    pub fn read(&self, rel: &str) -> Result<Option<Cow<'static, str>>, ExtractError> {
        match self {
            DataSource::Bundled => Ok(BUNDLED
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, t)| Cow::Borrowed(*t))),
            DataSource::Dir(root) => {
                let path = root.join(rel);
                match std::fs::read_to_string(&path) {
                    Ok(t) => Ok(Some(Cow::Owned(t))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(ExtractError::Io {
                        path: path.display().to_string(),
                        source: e,
                    }),
                }
            }
        }
    }

    /// Reads a file that must exist.
    pub fn require(&self, rel: &str) -> Result<Cow<'static, str>, ExtractError> {
        self.read(rel)?.ok_or_else(|| ExtractError::Missing {
            path: self.describe(rel),
        })
    }

    /// How to name a file of this source in messages.
    pub fn describe(&self, rel: &str) -> String {
        match self {
            DataSource::Bundled => format!("data/{rel} (built in)"),
            DataSource::Dir(root) => root.join(rel).display().to_string(),
        }
    }
}
