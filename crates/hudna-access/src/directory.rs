//! Organisations, users and roles.
//!
//! An account always belongs to one organisation and holds one role. The organisation decides
//! which restricted records its people see (a record restricted to a set of organisations is
//! visible to everyone in them); the role decides what they may change. Keeping the two apart
//! means a member state's analyst and its delegate see the same things but only the analyst
//! regrades incidents.
//!
//! Organisations that speak for a party to the conflict say so in
//! [`Organisation::represents`], a list of actor codes of the theatre (`RUS`, `USA`, …). That
//! is how a humanitarian notification's notified parties become organisations that may read
//! it (see [`crate::notification_visibility`]).
//!
//! Names typed by people — usernames, organisation names, actor codes — are checked here, with
//! errors that say what is wrong, so `hudna user add` and the admin forms refuse the same
//! things.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The id the store gave an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgId(pub i64);

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The id the store gave a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A text value that is not one of the names a closed set allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {got:?}; expected one of: {expected}")]
pub struct UnknownName {
    /// What was being read (`role`, `organisation kind`).
    pub what: &'static str,
    /// The text that was given.
    pub got: String,
    /// The accepted names, comma-separated.
    pub expected: &'static str,
}

macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order (for tables, forms and tests).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in the database, the API and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        what: $what,
                        got: s.to_string(),
                        expected: concat!($($text, " "),+).trim_ascii_end(),
                    }),
                }
            }
        }
    };
}

named_enum! {
    /// What kind of body an organisation is. It is informational (shown on the dashboard,
    /// used to group delegations); access is decided by roles and visibility, never by kind.
    OrgKind, "organisation kind" {
        /// A state's delegation to the contact group.
        MemberState = "member_state",
        /// A United Nations agency or office.
        UnAgency = "un_agency",
        /// A non-governmental organisation.
        Ngo = "ngo",
        /// Anything else (a regional body, a monitoring mission).
        Other = "other",
    }
}

named_enum! {
    /// What a user may do. One role per account: a person with two jobs gets two accounts,
    /// so the audit log always says in which capacity a change was made.
    Role, "role" {
        /// Chairs the contact group: sees every record, restricted ones included, and sets
        /// truces, zones and designations.
        CoChair = "co_chair",
        /// A member's delegate: sees what members see and may open and annotate
        /// investigations.
        Member = "member",
        /// Watches: reads what members read and changes nothing in the record.
        Observer = "observer",
        /// Keeps the incident record: creates and edits incidents and their grades.
        Analyst = "analyst",
        /// Files and edits its organisation's humanitarian notifications.
        Humanitarian = "humanitarian",
        /// Sets the system up: organisations, users, their tokens. Reads like a member.
        Admin = "admin",
    }
}

/// An organisation taking part in the contact group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// The store's id.
    pub id: OrgId,
    /// Its name as people know it ("Delegation of …", "OCHA").
    pub name: String,
    /// What kind of body it is.
    pub kind: OrgKind,
    /// Actor codes of the theatre this organisation speaks for (`RUS`, `USA`): a notification
    /// that names one of these parties becomes readable by this organisation.
    #[serde(default)]
    pub represents: Vec<String>,
}

impl Organisation {
    /// Whether this organisation speaks for the party with this actor code.
    pub fn represents(&self, actor_code: &str) -> bool {
        self.represents.iter().any(|c| c == actor_code)
    }
}

/// A user account as the store keeps it (without its password hash, which only the login
/// path needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The store's id.
    pub id: UserId,
    /// The login name (see [`validate_username`]).
    pub username: String,
    /// The name shown on pages and in the audit log listing.
    pub display_name: String,
    /// The organisation the user belongs to.
    pub org: OrgId,
    /// What the user may do.
    pub role: Role,
    /// A disabled account keeps its history but can no longer act.
    pub disabled: bool,
}

impl User {
    /// The caller this user acts as, or `None` for a disabled account — so a disabled user's
    /// still-open session or token falls back to what an anonymous visitor may do.
    pub fn principal(&self) -> Option<crate::Principal> {
        (!self.disabled).then_some(crate::Principal {
            user: self.id,
            org: self.org,
            role: self.role,
        })
    }
}

/// What is wrong with a name someone typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing (or only spaces) was given.
    #[error("{what} is empty")]
    Empty {
        /// Which name (`username`, `organisation name`, `actor code`).
        what: &'static str,
    },
    /// The name is longer than allowed.
    #[error("{what} is {got} characters long; at most {max} are allowed")]
    TooLong {
        /// Which name.
        what: &'static str,
        /// Its length in characters.
        got: usize,
        /// The limit.
        max: usize,
    },
    /// The name is shorter than allowed.
    #[error("{what} is {got} characters long; at least {min} are needed")]
    TooShort {
        /// Which name.
        what: &'static str,
        /// Its length in characters.
        got: usize,
        /// The minimum.
        min: usize,
    },
    /// A character that is not allowed in this kind of name.
    #[error("{what} has {ch:?} at character {position}; {allowed}")]
    BadCharacter {
        /// Which name.
        what: &'static str,
        /// The offending character.
        ch: char,
        /// Its position, counted in characters from 1.
        position: usize,
        /// What is allowed instead.
        allowed: &'static str,
    },
}

/// Checks a login name: 2 to 64 characters of `a-z`, `0-9`, `.`, `_`, `-`, starting with a
/// letter or digit.
///
/// Login names are ASCII and lower case on purpose: two accounts whose names differ only by
/// case or by look-alike letters from another script would be indistinguishable in the audit
/// log. The display name carries the person's name in any script.
pub fn validate_username(name: &str) -> Result<(), NameError> {
    const WHAT: &str = "username";
    const ALLOWED: &str =
        "use lower-case letters a-z, digits, '.', '_' or '-', starting with a letter or digit";
    if name.is_empty() {
        return Err(NameError::Empty { what: WHAT });
    }
    let len = name.chars().count();
    if len > 64 {
        return Err(NameError::TooLong {
            what: WHAT,
            got: len,
            max: 64,
        });
    }
    for (i, ch) in name.chars().enumerate() {
        let ok = ch.is_ascii_lowercase()
            || ch.is_ascii_digit()
            || (i > 0 && matches!(ch, '.' | '_' | '-'));
        if !ok {
            return Err(NameError::BadCharacter {
                what: WHAT,
                ch,
                position: i + 1,
                allowed: ALLOWED,
            });
        }
    }
    if len < 2 {
        return Err(NameError::TooShort {
            what: WHAT,
            got: len,
            min: 2,
        });
    }
    Ok(())
}

/// Checks an organisation's name: 1 to 200 characters, any script, no control characters,
/// no leading or trailing spaces (they make two "different" organisations look the same).
pub fn validate_org_name(name: &str) -> Result<(), NameError> {
    const WHAT: &str = "organisation name";
    if name.trim().is_empty() {
        return Err(NameError::Empty { what: WHAT });
    }
    let len = name.chars().count();
    if len > 200 {
        return Err(NameError::TooLong {
            what: WHAT,
            got: len,
            max: 200,
        });
    }
    let last = len;
    for (i, ch) in name.chars().enumerate() {
        if ch.is_control() {
            return Err(NameError::BadCharacter {
                what: WHAT,
                ch,
                position: i + 1,
                allowed: "control characters (tabs, new lines) are not allowed",
            });
        }
        if ch.is_whitespace() && (i == 0 || i + 1 == last) {
            return Err(NameError::BadCharacter {
                what: WHAT,
                ch,
                position: i + 1,
                allowed: "remove the spaces at the start or end",
            });
        }
    }
    Ok(())
}

/// Checks an actor code as the theatre's `actors.tsv` writes them: 2 to 32 characters of
/// `A-Z`, `0-9` and `_`, starting with a letter (`RUS`, `SYR_GOV`).
pub fn validate_actor_code(code: &str) -> Result<(), NameError> {
    const WHAT: &str = "actor code";
    if code.is_empty() {
        return Err(NameError::Empty { what: WHAT });
    }
    let len = code.chars().count();
    if len > 32 {
        return Err(NameError::TooLong {
            what: WHAT,
            got: len,
            max: 32,
        });
    }
    for (i, ch) in code.chars().enumerate() {
        let ok = ch.is_ascii_uppercase() || (i > 0 && (ch.is_ascii_digit() || ch == '_'));
        if !ok {
            return Err(NameError::BadCharacter {
                what: WHAT,
                ch,
                position: i + 1,
                allowed: "use upper-case letters A-Z, digits and '_', starting with a letter",
            });
        }
    }
    if len < 2 {
        return Err(NameError::TooShort {
            what: WHAT,
            got: len,
            min: 2,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_kinds_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        for kind in OrgKind::ALL {
            assert_eq!(kind.as_str().parse::<OrgKind>().unwrap(), *kind);
        }
        assert_eq!(Role::CoChair.to_string(), "co_chair");
        assert_eq!(OrgKind::UnAgency.to_string(), "un_agency");
    }

    #[test]
    fn unknown_role_names_the_choices() {
        let err = "chair".parse::<Role>().unwrap_err();
        assert_eq!(err.got, "chair");
        let text = err.to_string();
        assert!(text.contains("unknown role"), "{text}");
        assert!(
            text.contains("co_chair member observer analyst humanitarian admin"),
            "{text}"
        );
    }

    #[test]
    fn roles_and_kinds_serialise_as_their_names() {
        assert_eq!(
            serde_json::to_string(&Role::Humanitarian).unwrap(),
            "\"humanitarian\""
        );
        assert_eq!(
            serde_json::from_str::<OrgKind>("\"member_state\"").unwrap(),
            OrgKind::MemberState
        );
        assert!(serde_json::from_str::<Role>("\"root\"").is_err());
    }

    #[test]
    fn usernames() {
        assert!(validate_username("amal.haddad").is_ok());
        assert!(validate_username("ocha-1").is_ok());
        assert_eq!(
            validate_username(""),
            Err(NameError::Empty { what: "username" })
        );
        assert!(matches!(
            validate_username("Amal"),
            Err(NameError::BadCharacter {
                ch: 'A',
                position: 1,
                ..
            })
        ));
        assert!(matches!(
            validate_username("amal haddad"),
            Err(NameError::BadCharacter {
                ch: ' ',
                position: 5,
                ..
            })
        ));
        assert!(matches!(
            validate_username("أمل"),
            Err(NameError::BadCharacter { position: 1, .. })
        ));
        assert!(matches!(
            validate_username(".amal"),
            Err(NameError::BadCharacter { ch: '.', .. })
        ));
        assert!(matches!(
            validate_username("a"),
            Err(NameError::TooShort { got: 1, .. })
        ));
        assert!(matches!(
            validate_username(&"a".repeat(65)),
            Err(NameError::TooLong {
                got: 65,
                max: 64,
                ..
            })
        ));
    }

    #[test]
    fn organisation_names() {
        assert!(validate_org_name("مكتب الأمم المتحدة لتنسيق الشؤون الإنسانية").is_ok());
        assert!(validate_org_name("Delegation of State A").is_ok());
        assert!(matches!(
            validate_org_name("   "),
            Err(NameError::Empty { .. })
        ));
        assert!(matches!(
            validate_org_name(" OCHA"),
            Err(NameError::BadCharacter { position: 1, .. })
        ));
        assert!(matches!(
            validate_org_name("OCHA\n"),
            Err(NameError::BadCharacter { position: 5, .. })
        ));
        assert!(matches!(
            validate_org_name(&"x".repeat(201)),
            Err(NameError::TooLong { .. })
        ));
    }

    #[test]
    fn actor_codes() {
        assert!(validate_actor_code("RUS").is_ok());
        assert!(validate_actor_code("SYR_GOV").is_ok());
        assert!(matches!(
            validate_actor_code("rus"),
            Err(NameError::BadCharacter { ch: 'r', .. })
        ));
        assert!(matches!(
            validate_actor_code("_X"),
            Err(NameError::BadCharacter { position: 1, .. })
        ));
        assert!(matches!(
            validate_actor_code("R"),
            Err(NameError::TooShort { .. })
        ));
    }

    #[test]
    fn disabled_users_have_no_principal() {
        let mut user = User {
            id: UserId(4),
            username: "amal".into(),
            display_name: "Amal".into(),
            org: OrgId(2),
            role: Role::Analyst,
            disabled: false,
        };
        let p = user.principal().unwrap();
        assert_eq!(
            (p.user, p.org, p.role),
            (UserId(4), OrgId(2), Role::Analyst)
        );
        user.disabled = true;
        assert!(user.principal().is_none());
    }

    #[test]
    fn organisations_know_whom_they_represent() {
        let org = Organisation {
            id: OrgId(1),
            name: "Delegation of State A".into(),
            kind: OrgKind::MemberState,
            represents: vec!["RUS".into()],
        };
        assert!(org.represents("RUS"));
        assert!(!org.represents("USA"));
    }
}
