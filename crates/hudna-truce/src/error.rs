//! Errors of reading a truce: every problem names the file, the line and the field, so the
//! person editing the terms can go straight to it.

use std::fmt;

/// One thing wrong in a truce file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The truce file (or the name given for a string).
    pub file: String,
    /// 1-based line in that file.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Dotted path of the field, e.g. `zone[1].geometry` (array indices 0-based).
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.column, self.field, self.reason
        )
    }
}

/// Why a truce could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The truce file, or a geometry file it names, could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file was read but is not a valid truce; every problem found is listed.
    #[error("{}", ProblemList(.0))]
    Invalid(Vec<Problem>),
}

impl LoadError {
    /// The problems, when the file was invalid.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid(p) => p,
            LoadError::Io { .. } => &[],
        }
    }
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Turns byte offsets of a text into lines and columns.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// The dotted field path at a byte offset, read from the text: the nearest table
    /// header above (with the index of an array of tables) and the key on the offset's
    /// line. Used for errors the TOML parser reports with a span but no key.
    pub(crate) fn field_at(&self, offset: usize) -> String {
        let (line, _) = self.locate(offset);
        let line_text = |n: usize| -> &str {
            let start = self.starts[n - 1];
            let end = self.starts.get(n).map_or(self.text.len(), |e| e - 1);
            self.text.get(start..end).unwrap_or("")
        };
        // The key: `key =` on this line, before the offset.
        let own = line_text(line);
        let key = own
            .split_once('=')
            .map(|(k, _)| k.trim())
            .filter(|k| !k.is_empty() && !k.starts_with('[') && !k.starts_with('#'))
            .map(|k| k.trim_matches('"').to_string());
        // The table: the nearest header above.
        let mut table = String::new();
        for n in (1..=line).rev() {
            let t = line_text(n).trim();
            if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
                let name = name.trim();
                let index = (1..n)
                    .filter(|&m| {
                        line_text(m)
                            .trim()
                            .strip_prefix("[[")
                            .and_then(|r| r.split("]]").next())
                            .is_some_and(|x| x.trim() == name)
                    })
                    .count();
                table = format!("{name}[{index}]");
                break;
            }
            if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
                table = name.trim().to_string();
                break;
            }
        }
        match (table.is_empty(), key) {
            (true, Some(k)) => k,
            (false, Some(k)) => format!("{table}.{k}"),
            (true, None) => "(top level)".to_string(),
            (false, None) => table,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_fields_are_read_from_offsets() {
        let text = "id = \"x\"\n\n[[zone]]\nid = \"a\"\n[[zone]]\nid = \"b\"\nkind = \"oops\"\n";
        let l = Lines::new(text);
        let at = text.find("oops").unwrap();
        assert_eq!(l.locate(at), (7, 9));
        assert_eq!(l.field_at(at), "zone[1].kind");
        assert_eq!(l.field_at(2), "id");
    }
}
