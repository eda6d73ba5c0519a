//! Articles and the JSON Lines reader that accepts them.
//!
//! News arrives in bulk and is never clean. The reader therefore never stops at a bad line:
//! it yields either an article or a [`RejectedLine`] that names the line and the reason, and
//! the caller decides whether to go on (the default) or stop (`--strict`).

use std::io::BufRead;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One news article or report, as it enters hudna.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Article {
    /// Caller's identifier; incidents point back to it.
    pub id: String,
    /// Where the article was published, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication day; relative dates ("yesterday", "on Tuesday") resolve against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// Headline, if separate from the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Name of the outlet or monitor that published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// The article body. Evidence spans index this string by character.
    pub text: String,
}

/// Why an input line could not become an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    /// The bytes are not valid UTF-8.
    #[error("not UTF-8 (invalid byte at column {column})")]
    NotUtf8 {
        /// 1-based byte column of the first invalid byte.
        column: usize,
    },
    /// The line does not parse as JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// The JSON value is not an object.
    #[error("not a JSON object")]
    NotObject,
    /// A required field is absent or null.
    #[error("missing field `{0}`")]
    Missing(&'static str),
    /// A field has the wrong type or an unusable value.
    #[error("field `{field}`: {reason}")]
    Invalid {
        /// Field name.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// A line that was skipped, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {error}")]
pub struct RejectedLine {
    /// 1-based line number in the input.
    pub line: usize,
    /// The reason.
    pub error: ArticleError,
}

impl Article {
    /// Parses one JSON object into an article, checking the fields the extractor relies on.
    pub fn from_json_str(s: &str) -> Result<Article, ArticleError> {
        let value: Value =
            serde_json::from_str(s).map_err(|e| ArticleError::NotJson(e.to_string()))?;
        Article::from_json_value(value)
    }

    /// Builds an article from a parsed JSON value (used by readers of other containers).
    pub fn from_json_value(value: Value) -> Result<Article, ArticleError> {
        let Value::Object(mut map) = value else {
            return Err(ArticleError::NotObject);
        };
        let id = match map.remove("id") {
            None | Some(Value::Null) => return Err(ArticleError::Missing("id")),
            Some(Value::String(s)) if s.trim().is_empty() => {
                return Err(ArticleError::Invalid {
                    field: "id",
                    reason: "empty".into(),
                })
            }
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => n.to_string(),
            Some(other) => {
                return Err(ArticleError::Invalid {
                    field: "id",
                    reason: format!("expected a string, found {}", kind_of(&other)),
                })
            }
        };
        let text = match map.remove("text") {
            None | Some(Value::Null) => return Err(ArticleError::Missing("text")),
            // Nothing to read: accepting it would store an article no incident can come from
            // and make its (empty) content hash a duplicate of every other blank one.
            Some(Value::String(s)) if s.trim().is_empty() => {
                return Err(ArticleError::Invalid {
                    field: "text",
                    reason: "empty".into(),
                })
            }
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(ArticleError::Invalid {
                    field: "text",
                    reason: format!("expected a string, found {}", kind_of(&other)),
                })
            }
        };
        let url = optional_string(&mut map, "url")?;
        let title = optional_string(&mut map, "title")?;
        let outlet = optional_string(&mut map, "outlet")?;
        let published = match optional_string(&mut map, "published")? {
            None => None,
            Some(s) => Some(parse_published(&s).ok_or_else(|| ArticleError::Invalid {
                field: "published",
                reason: format!("`{s}` is not an ISO date (YYYY-MM-DD)"),
            })?),
        };
        Ok(Article {
            id,
            url,
            published,
            title,
            outlet,
            text,
        })
    }
}

/// Accepts `2016-09-22`, `2016-09-22T10:00:00Z` and `2016-09-22 10:00`.
pub fn parse_published(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let day = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

fn optional_string(
    map: &mut serde_json::Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, ArticleError> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(ArticleError::Invalid {
            field,
            reason: format!("expected a string, found {}", kind_of(&other)),
        }),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads articles from JSON Lines, one at a time, without holding more than one line.
///
/// Blank lines are skipped silently. Every other line yields `Ok(article)` or
/// `Err(RejectedLine)`; I/O errors end the iteration with `Some(Err(io))` from
/// [`JsonlArticles::next_article`].
pub struct JsonlArticles<R> {
    reader: R,
    line: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonlArticles<R> {
    /// Wraps a buffered reader.
    pub fn new(reader: R) -> Self {
        JsonlArticles {
            reader,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The number of the line read last (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The next article or rejected line; `None` at the end of input.
    pub fn next_article(
        &mut self,
    ) -> Option<std::io::Result<Result<(usize, Article), RejectedLine>>> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Err(e) => return Some(Err(e)),
                Ok(0) => return None,
                Ok(_) => {}
            }
            self.line += 1;
            let line = self.line;
            let bytes = trim_line(&self.buf);
            if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    return Some(Ok(Err(RejectedLine {
                        line,
                        error: ArticleError::NotUtf8 {
                            column: e.valid_up_to() + 1,
                        },
                    })))
                }
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            return Some(Ok(Article::from_json_str(text)
                .map(|a| (line, a))
                .map_err(|error| RejectedLine { line, error })));
        }
    }
}

fn trim_line(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && (b[end - 1] == b'\n' || b[end - 1] == b'\r') {
        end -= 1;
    }
    &b[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Result<(usize, Article), RejectedLine>> {
        let mut r = JsonlArticles::new(input);
        let mut out = Vec::new();
        while let Some(item) = r.next_article() {
            out.push(item.unwrap());
        }
        out
    }

    #[test]
    fn good_lines_become_articles_with_their_line_numbers() {
        let input = "{\"id\":\"x1\",\"text\":\"قصف\",\"published\":\"2016-09-19\"}\n\n{\"id\":7,\"text\":\"t\"}\n";
        let got = read_all(input.as_bytes());
        assert_eq!(got.len(), 2);
        let (line, a) = got[0].as_ref().unwrap();
        assert_eq!(*line, 1);
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2016, 9, 19));
        let (line, a) = got[1].as_ref().unwrap();
        assert_eq!((*line, a.id.as_str()), (3, "7"));
    }

    #[test]
    fn each_bad_line_is_rejected_with_line_and_reason() {
        let mut input = Vec::new();
        input.extend_from_slice(b"{\"id\":\"ok\",\"text\":\"fine\"}\n");
        input.extend_from_slice(b"this is not json\n");
        input.extend_from_slice(b"{\"text\":\"no id\"}\n");
        input.extend_from_slice(b"{\"id\":\"no-text\"}\n");
        input.extend_from_slice(b"{\"id\":\"bad\",\"text\":\"\xff\xfe\"}\n");
        input.extend_from_slice(b"[1,2]\n");
        input.extend_from_slice(b"{\"id\":\"d\",\"text\":\"t\",\"published\":\"22/09/2016\"}\n");
        input.extend_from_slice(b"{\"id\":\"last\",\"text\":\"still read\"}");
        let got = read_all(&input);
        assert_eq!(got.len(), 8);
        assert!(got[0].is_ok());
        let errs: Vec<String> = got[1..7]
            .iter()
            .map(|r| r.as_ref().unwrap_err().to_string())
            .collect();
        assert!(errs[0].starts_with("line 2: not JSON"), "{}", errs[0]);
        assert_eq!(errs[1], "line 3: missing field `id`");
        assert_eq!(errs[2], "line 4: missing field `text`");
        assert!(errs[3].starts_with("line 5: not UTF-8"), "{}", errs[3]);
        assert_eq!(errs[4], "line 6: not a JSON object");
        assert!(errs[5].contains("`published`"), "{}", errs[5]);
        assert_eq!(got[7].as_ref().unwrap().1.id, "last");
    }

    #[test]
    fn an_empty_or_blank_text_is_rejected_with_its_line() {
        let input = "{\"id\":\"a\",\"text\":\"\"}\n{\"id\":\"b\",\"text\":\" \\n\\t\\u00a0 \"}\n{\"id\":\"c\",\"text\":\"قصف\"}\n";
        let got = read_all(input.as_bytes());
        assert_eq!(got.len(), 3);
        for (n, r) in got[..2].iter().enumerate() {
            assert_eq!(
                r.as_ref().unwrap_err().to_string(),
                format!("line {}: field `text`: empty", n + 1)
            );
        }
        assert_eq!(got[2].as_ref().unwrap().1.id, "c");
    }

    #[test]
    fn published_accepts_timestamps() {
        assert_eq!(
            parse_published("2016-09-22T10:00:00Z"),
            NaiveDate::from_ymd_opt(2016, 9, 22)
        );
        assert_eq!(parse_published("2016-09-22x"), None);
    }
}
