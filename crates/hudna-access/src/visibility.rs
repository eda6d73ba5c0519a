//! Who a record is for.
//!
//! Every record (incident, truce, zone, designation, notification, investigation) carries one
//! [`Visibility`]:
//!
//! | visibility | who reads it |
//! | --- | --- |
//! | `public` | everyone, anonymous visitors included |
//! | `members` | everyone signed in: every role of every organisation of the contact group |
//! | `orgs:1,4` | people of organisations 1 and 4, and the co-chairs |
//!
//! "Members" means the contact group's accounts as a whole, observers included: an observer
//! may read what members read and is only kept from changing it. Co-chairs read everything,
//! because they answer for the whole record; nobody else is let past a restriction by their
//! role, not even an administrator (who can create accounts, and does so in the audit log).
//!
//! The text form (`public`, `members`, `orgs:1,4,7` with ascending ids) is what the store keeps
//! in a `visibility` column and what the API shows; [`ReadScope::sql_condition`] turns a
//! caller into the matching `WHERE` clause so lists are filtered in the database rather than
//! after loading.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::OrgId;

/// Who may read a record. See the [module documentation](self) for the rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Everyone, signed in or not.
    Public,
    /// Every signed-in account.
    Members,
    /// The named organisations' accounts and the co-chairs.
    Restricted(OrgSet),
}

/// A non-empty set of organisations a record is restricted to.
///
/// It cannot be empty: a record restricted to nobody would be seen by the co-chairs alone,
/// which is almost always a mistake in building the set rather than an intent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgSet(BTreeSet<OrgId>);

impl OrgSet {
    /// Whether the organisation is one of the set.
    pub fn contains(&self, org: OrgId) -> bool {
        self.0.contains(&org)
    }

    /// The organisations, in ascending id order.
    pub fn iter(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.0.iter().copied()
    }

    /// How many organisations.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false; present because clippy expects it beside `len`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why a visibility could not be read or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VisibilityError {
    /// The text is not `public`, `members` or `orgs:…`.
    #[error("unknown visibility {0:?}; expected public, members or orgs:ID,ID,…")]
    Unknown(String),
    /// A restriction with no organisation in it.
    #[error("a restricted visibility needs at least one organisation")]
    EmptyRestriction,
    /// An organisation id in `orgs:…` is not a whole number.
    #[error("organisation id {text:?} (item {item} of {visibility:?}) is not a whole number")]
    BadOrgId {
        /// The whole visibility text.
        visibility: String,
        /// The item that failed.
        text: String,
        /// Its position in the list, from 1.
        item: usize,
    },
    /// A column name given to [`ReadScope::sql_condition`] is not a plain (optionally
    /// table-qualified) identifier.
    #[error("{0:?} is not a plain column name")]
    BadColumn(String),
}

impl Visibility {
    /// A visibility restricted to these organisations (duplicates are merged).
    pub fn restricted(
        orgs: impl IntoIterator<Item = OrgId>,
    ) -> Result<Visibility, VisibilityError> {
        let set: BTreeSet<OrgId> = orgs.into_iter().collect();
        if set.is_empty() {
            return Err(VisibilityError::EmptyRestriction);
        }
        Ok(Visibility::Restricted(OrgSet(set)))
    }

    /// Whether a record with this visibility is restricted to named organisations.
    pub fn is_restricted(&self) -> bool {
        matches!(self, Visibility::Restricted(_))
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Visibility::Public => f.write_str("public"),
            Visibility::Members => f.write_str("members"),
            Visibility::Restricted(set) => {
                f.write_str("orgs:")?;
                for (i, org) in set.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{org}")?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for Visibility {
    type Err = VisibilityError;

    /// Reads `public`, `members` or `orgs:ID,ID,…`. Ids may come in any order, repeated, and
    /// with spaces after the commas (as people type them); [`Display`](fmt::Display) always
    /// writes the one canonical form.
    fn from_str(s: &str) -> Result<Visibility, VisibilityError> {
        match s {
            "public" => return Ok(Visibility::Public),
            "members" => return Ok(Visibility::Members),
            _ => {}
        }
        let Some(list) = s.strip_prefix("orgs:") else {
            return Err(VisibilityError::Unknown(s.to_string()));
        };
        if list.trim().is_empty() {
            return Err(VisibilityError::EmptyRestriction);
        }
        let mut set = BTreeSet::new();
        for (i, item) in list.split(',').enumerate() {
            let text = item.trim();
            let id: i64 = text.parse().map_err(|_| VisibilityError::BadOrgId {
                visibility: s.to_string(),
                text: text.to_string(),
                item: i + 1,
            })?;
            set.insert(OrgId(id));
        }
        Ok(Visibility::Restricted(OrgSet(set)))
    }
}

impl Serialize for Visibility {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Visibility {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Visibility, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What part of the record a caller may read, in a form a list query can use.
///
/// Get it from [`crate::Caller::read_scope`]. It agrees with [`crate::can_read`] on every
/// visibility; the difference is only that a scope can be turned into SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadScope {
    /// Anonymous: public records only.
    Public,
    /// A signed-in account of this organisation: public, members, and restrictions naming it.
    Org(OrgId),
    /// A co-chair: everything.
    All,
}

impl ReadScope {
    /// Whether a record with this visibility is within the scope.
    pub fn allows(&self, visibility: &Visibility) -> bool {
        match (self, visibility) {
            (ReadScope::All, _) => true,
            (_, Visibility::Public) => true,
            (ReadScope::Public, _) => false,
            (ReadScope::Org(_), Visibility::Members) => true,
            (ReadScope::Org(org), Visibility::Restricted(set)) => set.contains(*org),
        }
    }

    /// A SQLite boolean expression, true for rows of `column` (a text column holding
    /// [`Visibility`]'s text form) that the scope allows. Wrap it into your `WHERE` with
    /// `AND`.
    ///
    /// The organisation id is an integer written into the SQL, so nothing from a request
    /// reaches the statement; `column` must be a plain or table-qualified identifier from
    /// your code, and anything else is refused.
    pub fn sql_condition(&self, column: &str) -> Result<String, VisibilityError> {
        if !is_plain_column(column) {
            return Err(VisibilityError::BadColumn(column.to_string()));
        }
        let c = column;
        Ok(match self {
            ReadScope::Public => format!("({c} = 'public')"),
            ReadScope::All => "(1 = 1)".to_string(),
            ReadScope::Org(org) => format!(
                "({c} = 'public' OR {c} = 'members' OR ({c} LIKE 'orgs:%' AND \
                 instr(',' || substr({c}, 6) || ',', ',{org},') > 0))"
            ),
        })
    }
}

fn is_plain_column(column: &str) -> bool {
    let parts: Vec<&str> = column.split('.').collect();
    parts.len() <= 2
        && parts.iter().all(|p| {
            let mut chars = p.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_and_is_canonical() {
        for text in ["public", "members", "orgs:1", "orgs:1,4,7"] {
            let v: Visibility = text.parse().unwrap();
            assert_eq!(v.to_string(), text);
        }
        let v: Visibility = "orgs:7, 1,4,1".parse().unwrap();
        assert_eq!(v.to_string(), "orgs:1,4,7");
        assert_eq!(
            Visibility::restricted([OrgId(3), OrgId(2), OrgId(3)])
                .unwrap()
                .to_string(),
            "orgs:2,3"
        );
    }

    #[test]
    fn bad_text_is_refused_with_the_reason() {
        assert_eq!(
            "secret".parse::<Visibility>(),
            Err(VisibilityError::Unknown("secret".into()))
        );
        assert_eq!(
            "orgs:".parse::<Visibility>(),
            Err(VisibilityError::EmptyRestriction)
        );
        assert_eq!(
            "orgs:1,x".parse::<Visibility>(),
            Err(VisibilityError::BadOrgId {
                visibility: "orgs:1,x".into(),
                text: "x".into(),
                item: 2
            })
        );
        assert_eq!(
            Visibility::restricted([]),
            Err(VisibilityError::EmptyRestriction)
        );
        let text = "orgs:1,,2".parse::<Visibility>().unwrap_err().to_string();
        assert!(text.contains("item 2"), "{text}");
    }

    #[test]
    fn serde_uses_the_text_form() {
        let v = Visibility::restricted([OrgId(5), OrgId(2)]).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"orgs:2,5\"");
        let back: Visibility = serde_json::from_str("\"orgs:5,2\"").unwrap();
        assert_eq!(back, v);
        assert!(serde_json::from_str::<Visibility>("\"everyone\"").is_err());
    }

    #[test]
    fn scopes() {
        let public = Visibility::Public;
        let members = Visibility::Members;
        let ours = Visibility::restricted([OrgId(1), OrgId(12)]).unwrap();
        assert!(ReadScope::Public.allows(&public));
        assert!(!ReadScope::Public.allows(&members));
        assert!(!ReadScope::Public.allows(&ours));
        assert!(ReadScope::Org(OrgId(2)).allows(&members));
        assert!(!ReadScope::Org(OrgId(2)).allows(&ours));
        assert!(ReadScope::Org(OrgId(12)).allows(&ours));
        assert!(ReadScope::All.allows(&ours));
    }

    #[test]
    fn bad_columns_are_refused() {
        assert!(ReadScope::Public.sql_condition("visibility").is_ok());
        assert!(ReadScope::Public.sql_condition("i.visibility").is_ok());
        for bad in ["", "1x", "a.b.c", "v; DROP TABLE x", "v'", "v)"] {
            assert_eq!(
                ReadScope::Public.sql_condition(bad),
                Err(VisibilityError::BadColumn(bad.into())),
                "{bad}"
            );
        }
    }

    /// The SQL condition must select exactly the rows `allows` accepts, including ids that
    /// are prefixes or suffixes of one another (1 vs 12 vs 21).
    #[test]
    fn sql_condition_agrees_with_allows() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE r (id INTEGER PRIMARY KEY, visibility TEXT NOT NULL)")
            .unwrap();
        let visibilities: Vec<Visibility> = [
            "public",
            "members",
            "orgs:1",
            "orgs:12",
            "orgs:21",
            "orgs:2,12",
            "orgs:1,2,3",
            "orgs:112",
        ]
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
        for (i, v) in visibilities.iter().enumerate() {
            conn.execute(
                "INSERT INTO r (id, visibility) VALUES (?1, ?2)",
                rusqlite::params![i as i64, v.to_string()],
            )
            .unwrap();
        }
        let scopes = [
            ReadScope::Public,
            ReadScope::All,
            ReadScope::Org(OrgId(1)),
            ReadScope::Org(OrgId(2)),
            ReadScope::Org(OrgId(12)),
            ReadScope::Org(OrgId(21)),
            ReadScope::Org(OrgId(99)),
        ];
        for scope in scopes {
            let sql = format!(
                "SELECT id FROM r WHERE {} ORDER BY id",
                scope.sql_condition("r.visibility").unwrap()
            );
            let mut stmt = conn.prepare(&sql).unwrap();
            let got: Vec<usize> = stmt
                .query_map([], |row| row.get::<_, i64>(0))
                .unwrap()
                .map(|r| r.unwrap() as usize)
                .collect();
            let want: Vec<usize> = visibilities
                .iter()
                .enumerate()
                .filter(|(_, v)| scope.allows(v))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(got, want, "{scope:?}: {sql}");
        }
    }
}
