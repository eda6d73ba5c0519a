//! The canonical serialisation that record and entry hashes are taken over.
//!
//! A hash can only be recomputed if everyone serialises the same value to the same bytes.
//! hudna's canonical form is compact JSON with these rules (close to RFC 8785, simpler on
//! numbers, and written so it can be reproduced in any language):
//!
//! - **No whitespace** anywhere outside strings.
//! - **Objects**: keys sorted by their UTF-8 bytes, ascending; `{"a":1,"b":2}`. (The order of
//!   keys in the input never matters, whatever map type or serde_json feature produced it.)
//! - **Arrays**: in their given order.
//! - **Strings**: UTF-8, written as they are except that `"` and `\` are escaped as `\"` and
//!   `\\`, the control characters U+0008, U+0009, U+000A, U+000C and U+000D as `\b`, `\t`,
//!   `\n`, `\f` and `\r`, and every other character below U+0020 as `\u00XX` with lower-case
//!   hex. Nothing else is escaped: not `/`, not non-ASCII, not U+007F. No Unicode
//!   normalisation is applied; the bytes stored are the bytes hashed.
//! - **Numbers**: finite only. An integer is written in decimal (`-12`, `0`). A
//!   floating-point number is written as the shortest decimal that reads back as the same
//!   64-bit float, without an exponent and without a trailing `.0`: `35.5`, `0.0000001`,
//!   `1000000000000000000000`, `36` for `36.0`, and `0` for `-0.0`. So `36` and `36.0` are
//!   the same number, which keeps a hash stable when SQLite hands back an `INTEGER` for a
//!   value once written as a `REAL`.
//! - **`true`, `false`, `null`** as such.
//!
//! In Python the same bytes come from `json.dumps(value, sort_keys=True,
//! separators=(",", ":"), ensure_ascii=False)` as long as the value has no floats with an
//! exponent in Python's `repr` and no integral floats; hudna's own [`canonical_json`] is the
//! reference.
//!
//! # From a database row
//!
//! The store turns a row into a JSON object of the record's *audited fields* — one key per
//! column it audits, every one present even when `NULL` (as `null`) — and hashes that with
//! [`record_hash`]. SQLite values map as: `INTEGER` → integer, `REAL` → float, `TEXT` →
//! string, `NULL` → `null`, `BLOB` → lower-case hex string. The set of audited fields of a
//! kind is part of the format: adding a column to it changes every hash of that kind, so such
//! a migration must log a new version of every record of the kind (an `update` entry with the
//! `system` actor) in the same transaction.

use std::fmt::Write as _;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::Hash;

/// A value that has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// A number that is not finite (serde_json cannot normally hold one, but a number built
    /// with the `arbitrary_precision` feature can be anything).
    #[error("the number at {path} is not a finite number: {text}")]
    NotFinite {
        /// Where in the value, as a JSON pointer (`/lat`).
        path: String,
        /// The number as serde_json prints it.
        text: String,
    },
}

/// The canonical JSON text of a value (see the [module documentation](self)).
pub fn canonical_json(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    let mut path = String::new();
    write_value(&mut out, value, &mut path)?;
    Ok(out)
}

/// SHA-256 of the canonical JSON of a record's audited fields: the before- and after-hashes
/// of audit entries.
pub fn record_hash(value: &Value) -> Result<Hash, CanonicalError> {
    let text = canonical_json(value)?;
    Ok(Hash(Sha256::digest(text.as_bytes()).into()))
}

fn write_value(out: &mut String, value: &Value, path: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else {
                match n.as_f64() {
                    Some(f) if f.is_finite() => write_float(out, f),
                    _ => {
                        return Err(CanonicalError::NotFinite {
                            path: if path.is_empty() {
                                "/".into()
                            } else {
                                path.clone()
                            },
                            text: n.to_string(),
                        })
                    }
                }
            }
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let len = path.len();
                let _ = write!(path, "/{i}");
                write_value(out, item, path)?;
                path.truncate(len);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                let len = path.len();
                path.push('/');
                // JSON pointer escaping, for error messages only.
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                write_value(out, item, path)?;
                path.truncate(len);
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_float(out: &mut String, f: f64) {
    if f == 0.0 {
        out.push('0');
    } else {
        // Rust's Display for f64 is the shortest round-trip decimal, never in exponent form,
        // and drops a trailing ".0".
        let _ = write!(out, "{f}");
    }
}

/// Writes a string in canonical form, quotes included.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn c(v: Value) -> String {
        canonical_json(&v).unwrap()
    }

    #[test]
    fn keys_are_sorted_and_nothing_is_spaced() {
        let v = json!({"b": 1, "a": [true, null, {"z": "x", "y": 2}], "A": false});
        assert_eq!(c(v), r#"{"A":false,"a":[true,null,{"y":2,"z":"x"}],"b":1}"#);
    }

    #[test]
    fn key_order_of_the_input_does_not_matter() {
        let a: Value = serde_json::from_str(r#"{"lat":35.6,"lon":36.5,"id":"i1"}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"id":"i1","lon":36.5,"lat":35.6}"#).unwrap();
        assert_eq!(c(a.clone()), c(b.clone()));
        assert_eq!(record_hash(&a).unwrap(), record_hash(&b).unwrap());
    }

    #[test]
    fn keys_sort_by_bytes() {
        // "é" (0xc3 0xa9) sorts after "z"; upper case before lower case.
        let v = json!({"é": 1, "z": 2, "Z": 3});
        assert_eq!(c(v), r#"{"Z":3,"z":2,"é":1}"#);
    }

    #[test]
    fn strings_escape_only_what_json_requires() {
        let v = json!("a\"b\\c\nd\te\u{1}f/g\u{7f}قصف\u{2028}\r\u{8}\u{c}");
        assert_eq!(
            c(v),
            "\"a\\\"b\\\\c\\nd\\te\\u0001f/g\u{7f}قصف\u{2028}\\r\\b\\f\""
        );
    }

    #[test]
    fn strings_match_serde_json_compact_output() {
        // serde_json's compact writer uses the same escapes; the canonical form only adds
        // key sorting and the number rules.
        for s in [
            "plain",
            "قصفت قوات النظام",
            "tab\there",
            "\u{0}\u{1f}",
            "\"q\"",
            "\\",
        ] {
            let v = json!(s);
            assert_eq!(c(v.clone()), serde_json::to_string(&v).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(c(json!(0)), "0");
        assert_eq!(c(json!(-12)), "-12");
        assert_eq!(c(json!(u64::MAX)), "18446744073709551615");
        assert_eq!(c(json!(i64::MIN)), "-9223372036854775808");
        assert_eq!(c(json!(35.5)), "35.5");
        assert_eq!(c(json!(36.0)), "36");
        assert_eq!(c(json!(-0.0)), "0");
        assert_eq!(c(json!(0.1)), "0.1");
        assert_eq!(c(json!(1e-7)), "0.0000001");
        assert_eq!(c(json!(1e21)), "1000000000000000000000");
        assert_eq!(c(json!(35.61376)), "35.61376");
        assert_eq!(c(json!(0.1 + 0.2)), "0.30000000000000004");
        // An integer and the same integral float hash alike.
        assert_eq!(
            record_hash(&json!({"killed": 2})).unwrap(),
            record_hash(&json!({"killed": 2.0})).unwrap()
        );
    }

    #[test]
    fn floats_read_back_exactly() {
        for f in [
            35.61376_f64,
            1.0 / 3.0,
            6.02214076e23,
            5e-324,
            f64::MAX,
            -2.5e-8,
        ] {
            let text = c(json!(f));
            let back: f64 = text.parse().unwrap();
            assert_eq!(back.to_bits(), f.to_bits(), "{text}");
            assert!(!text.contains('e'), "{text}");
        }
    }

    #[test]
    fn a_known_hash() {
        // Recomputed independently: printf '%s' '{"id":"i1","killed":2}' | sha256sum
        let h = record_hash(&json!({"killed": 2, "id": "i1"})).unwrap();
        assert_eq!(
            h.to_string(),
            "24ef8a68992e96bbb76e662aa374d19600e558dbcc317077a9456de5639ca287"
        );
    }

    #[test]
    fn any_change_of_a_field_changes_the_hash() {
        let base = json!({"id": "i1", "killed": 2, "place": "كفرنبل", "note": null});
        let h = record_hash(&base).unwrap();
        for changed in [
            json!({"id": "i1", "killed": 3, "place": "كفرنبل", "note": null}),
            json!({"id": "i1", "killed": 2, "place": "كفرنبل ", "note": null}),
            json!({"id": "i1", "killed": 2, "place": "كفرنبل", "note": ""}),
            json!({"id": "i1", "killed": 2, "place": "كفرنبل"}),
            json!({"id": "i1", "killed": "2", "place": "كفرنبل", "note": null}),
        ] {
            assert_ne!(record_hash(&changed).unwrap(), h, "{changed}");
        }
    }
}
