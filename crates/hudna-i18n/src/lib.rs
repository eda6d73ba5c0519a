//! The words of hudna's interface, in Arabic and English.
//!
//! The contact group that reads hudna's record works in both languages, and an Arabic reader
//! must get the same page as an English one, not a partial translation. So every label the
//! dashboard, the map legend and the briefings show is looked up here by a stable key
//! (`nav.map`, `incident_type.air_strike`, `error.invalid_field` …), and the words themselves
//! live in a data file, `data/i18n/labels.tsv`, that translators edit without touching code:
//!
//! ```text
//! key                  en                                   ar
//! nav.map              Map                                  الخريطة
//! error.invalid_field  The value of {field} is not valid.   قيمة الحقل {field} غير صالحة.
//! ```
//!
//! (the columns are separated by one tab each).
//!
//! The table is compiled into the binary ([`Labels::bundled`]) and can also be read from a
//! file ([`Labels::parse`]) while a translation is being revised. Reading is strict: a row
//! without both languages, a repeated key, or placeholders that differ between the two
//! languages is an error naming the line, so a half-finished translation cannot ship.
//!
//! Keys of closed vocabularies are formed from their JSON spelling (`incident_type.` +
//! [`IncidentType::as_str`], `target.` + [`Target::as_str`]); helpers such as
//! [`Labels::incident_type`] build them, and the tests check that every value of those
//! vocabularies has a label.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use hudna_core::{GeoPrecision, IncidentType, Target};

/// The bundled label table (`data/i18n/labels.tsv`).
pub const BUNDLED_TSV: &str = include_str!("../../../data/i18n/labels.tsv");

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Lang {
    /// English, written left to right.
    #[default]
    En,
    /// Arabic (Modern Standard), written right to left.
    Ar,
}

impl Lang {
    /// Every language, in the order of the table's columns.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ar];

    /// The BCP 47 code, for `lang=` attributes, cookies and query strings.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// The writing direction, for `dir=` attributes: pages and legends mirror for Arabic.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Ar => "rtl",
        }
    }

    /// Whether text runs right to left.
    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }

    /// The language's own name, as a switcher shows it to people who read it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ar => "العربية",
        }
    }

    /// The other language: what the language switch leads to.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ar,
            Lang::Ar => Lang::En,
        }
    }

    fn column(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Ar => 1,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code that is neither `en` nor `ar`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}` (expected `en` or `ar`)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" => Ok(Lang::En),
            "ar" | "ara" | "arabic" => Ok(Lang::Ar),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

/// A label table that cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct LabelsError {
    /// The file (or `bundled labels.tsv`).
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, naming the key or column.
    pub reason: String,
}

/// The label table: for each key, its English and Arabic text.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    entries: HashMap<Box<str>, [Box<str>; 2]>,
    order: Vec<Box<str>>,
}

impl Labels {
    /// The table compiled into hudna, read once.
    ///
    /// Its content is fixed at build time and checked by this crate's tests, so an error
    /// here means the build shipped a broken table; it is still returned, not panicked on.
    pub fn bundled() -> Result<&'static Labels, LabelsError> {
        static BUNDLED: OnceLock<Result<Labels, LabelsError>> = OnceLock::new();
        BUNDLED
            .get_or_init(|| Labels::parse(BUNDLED_TSV, "bundled data/i18n/labels.tsv"))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads a table: a header `key<TAB>en<TAB>ar`, then one label a line; blank lines and
    /// lines starting with `#` are ignored. `file` names the source in errors.
    pub fn parse(text: &str, file: &str) -> Result<Labels, LabelsError> {
        let err = |line: usize, reason: String| LabelsError {
            file: file.to_string(),
            line,
            reason,
        };
        let mut labels = Labels::default();
        let mut seen_header = false;
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            if !seen_header {
                if cells != ["key", "en", "ar"] {
                    return Err(err(
                        n,
                        format!("the header must be `key<TAB>en<TAB>ar`, found `{line}`"),
                    ));
                }
                seen_header = true;
                continue;
            }
            if cells.len() != 3 {
                return Err(err(
                    n,
                    format!(
                        "{} tab-separated fields, expected 3 (key, en, ar)",
                        cells.len()
                    ),
                ));
            }
            let key = cells[0].trim();
            if key.is_empty() || !key.chars().all(is_key_char) {
                return Err(err(
                    n,
                    format!("key `{key}`: use lower-case letters, digits, `_`, `-` and `.`"),
                ));
            }
            let en = cells[1].trim();
            let ar = cells[2].trim();
            for (lang, text) in [(Lang::En, en), (Lang::Ar, ar)] {
                if text.is_empty() {
                    return Err(err(n, format!("key `{key}`: the {lang} text is empty")));
                }
            }
            let (pen, par) = (placeholders(en), placeholders(ar));
            if pen != par {
                return Err(err(
                    n,
                    format!("key `{key}`: placeholders differ: en has {pen:?}, ar has {par:?}"),
                ));
            }
            if labels.entries.contains_key(key) {
                return Err(err(n, format!("key `{key}` appears twice")));
            }
            labels.order.push(key.into());
            labels.entries.insert(key.into(), [en.into(), ar.into()]);
        }
        if !seen_header {
            return Err(err(1, "no header line `key<TAB>en<TAB>ar`".to_string()));
        }
        Ok(labels)
    }

    /// The label of `key` in `lang`, if the table has it.
    pub fn get(&self, key: &str, lang: Lang) -> Option<&str> {
        self.entries.get(key).map(|e| &*e[lang.column()])
    }

    /// The label of `key` in `lang`; a missing key shows as the key itself, so a page with a
    /// forgotten label still renders (and the gap is visible) rather than failing.
    pub fn text<'a>(&'a self, key: &'a str, lang: Lang) -> &'a str {
        self.get(key, lang).unwrap_or(key)
    }

    /// The label of `key` with each `{name}` replaced by its value from `args`.
    pub fn format(&self, key: &str, lang: Lang, args: &[(&str, &str)]) -> String {
        let mut out = self.text(key, lang).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// Every key, in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|k| &**k)
    }

    /// How many labels the table holds.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The name of an incident type (`incident_type.<spelling>`).
    pub fn incident_type(&self, t: IncidentType, lang: Lang) -> &str {
        self.vocabulary("incident_type", t.as_str(), lang)
    }

    /// The name of a target (`target.<spelling>`).
    pub fn target(&self, t: Target, lang: Lang) -> &str {
        self.vocabulary("target", t.as_str(), lang)
    }

    /// The name of a geographic precision (`geo_precision.<spelling>`).
    pub fn geo_precision(&self, p: GeoPrecision, lang: Lang) -> &str {
        self.vocabulary("geo_precision", p.as_str(), lang)
    }

    /// The label of a value of a closed vocabulary: `prefix.value` (for grades, rules,
    /// severities, roles, zone kinds …, whose enums live in other crates). Falls back to
    /// the value itself.
    pub fn vocabulary<'a>(&'a self, prefix: &str, value: &'a str, lang: Lang) -> &'a str {
        self.get(&format!("{prefix}.{value}"), lang)
            .unwrap_or(value)
    }
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.')
}

/// The `{name}` placeholders of a text, sorted.
fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests;
