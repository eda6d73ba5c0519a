//! Who may see and change what in hudna.
//!
//! The contact group shares one record, but not every part of it with everyone: a
//! humanitarian organisation's notified sites, for instance, are for it, the co-chairs and the
//! parties it notified. This crate holds every access decision in one place, as plain
//! functions over plain values, so that the HTTP server, the dashboard and the command line
//! ask the same question the same way, and so that the rules can be tested as a table without
//! a database or a network.
//!
//! It has no HTTP and no database in it. The store keeps organisations, users, password
//! hashes, token hashes and session keys as strings this crate produces; the server turns a
//! cookie or a bearer token into a [`Caller`] and asks [`can_read`] or [`can`].
//!
//! # The pieces
//!
//! - [`directory`]: organisations (their [`OrgKind`] and the actor codes they represent),
//!   users and their [`Role`], and the checks on names a person types in.
//! - [`visibility`]: a record's [`Visibility`] (`public`, `members`, or restricted to named
//!   organisations), its storage form, and [`ReadScope`] for filtering lists in SQL.
//! - [`policy`]: the decision functions [`can_read`] and [`can`], the [`Action`] enum of
//!   every write the API has, and the typed [`Denied`] reasons that map to HTTP statuses.
//! - [`spec`]: the access rules written as tables, checked here against [`can`] and meant to
//!   drive the server's endpoint tests too.
//! - [`password`]: the password policy (typed errors) and argon2id hashing to PHC strings.
//! - [`secret`]: API tokens (shown once, stored as a SHA-256 hash, found by a prefix),
//!   session ids, CSRF tokens bound to the session by HMAC, and constant-time comparison.
//!
//! # Example
//!
//! ```
//! use hudna_access::{can, can_read, Action, Caller, OrgId, Principal, Resource, Role, UserId,
//!     Visibility, RecordMeta};
//!
//! let relief = OrgId(3);
//! let state_a = OrgId(1);
//! let filer = Caller::User(Principal { user: UserId(7), org: relief, role: Role::Humanitarian });
//! let site = Visibility::restricted([relief, state_a]).unwrap();
//!
//! // The humanitarian organisation files a notification about its own site.
//! let new = RecordMeta { visibility: &site, owner: Some(relief) };
//! assert!(can(&filer, Action::FileNotification, Resource::New(new)).is_ok());
//!
//! // An anonymous visitor does not see it, and a third organisation does not either.
//! assert!(!can_read(&Caller::Anonymous, &site));
//! let other = Caller::User(Principal { user: UserId(9), org: OrgId(2), role: Role::Member });
//! assert!(!can_read(&other, &site));
//! ```

pub mod directory;
pub mod password;
pub mod policy;
pub mod secret;
pub mod spec;
pub mod visibility;

mod hex;

pub use directory::{
    validate_actor_code, validate_org_name, validate_username, NameError, OrgId, OrgKind,
    Organisation, Role, UnknownName, User, UserId,
};
pub use password::{
    PasswordCost, PasswordError, PasswordHash, PasswordPolicy, PasswordPolicyError, Passwords,
};
pub use policy::{
    can, can_read, notification_visibility, role_allows, Action, Caller, Denied,
    NotifiedVisibility, Principal, RecordMeta, Resource, Target,
};
pub use secret::{
    clear_session_cookie, constant_time_eq, session_cookie, ApiToken, CsrfKey, NewApiToken,
    NewSession, RandomError, SecretFormatError, SessionId, SESSION_COOKIE,
};
pub use visibility::{OrgSet, ReadScope, Visibility, VisibilityError};
