//! The access decisions: [`can_read`] and [`can`].
//!
//! Every handler that reads asks [`can_read`] (or filters with
//! [`Caller::read_scope`](crate::Caller::read_scope)); every handler that writes asks [`can`]
//! with one [`Action`] and the [`Resource`] it touches, before it opens its transaction. The
//! answer is `Ok(())` or a [`Denied`] that says why and carries the HTTP status to answer with.
//!
//! # What each role may change
//!
//! | action | co_chair | member | observer | analyst | humanitarian | admin |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | create / edit an incident, regrade | | | | ✓ | | |
//! | create / edit a truce, zone, designation | ✓ | | | | | |
//! | file / edit a notification (own organisation's) | | | | | ✓ | |
//! | open / annotate an investigation | ✓ | ✓ | | ✓ | ✓ | |
//! | manage users, manage organisations | | | | | | ✓ |
//! | create an API token | own | own | own | own | own | own |
//! | revoke a token, change a password | own | own | own | own | own | anyone's |
//!
//! Anonymous callers change nothing. Observers change nothing in the record; like everyone
//! signed in they may look after their own credentials (tokens, password), which are not part
//! of the record.
//!
//! # Order of the checks, and why
//!
//! 1. Anonymous → [`Denied::SignInRequired`] (401).
//! 2. An existing record the caller cannot read → [`Denied::NotVisible`] (404), before any
//!    role check, so that a refusal never confirms that a hidden record exists.
//! 3. The role does not allow the action → [`Denied::RoleMayNot`] (403).
//! 4. A new record whose visibility would hide it from its author → [`Denied::HiddenFromAuthor`]
//!    (422): nobody may file what they themselves could not read back.
//! 5. Notifications belong to the organisation that filed them → [`Denied::NotOwner`] (403) for
//!    anyone else's.
//! 6. Credentials of another account → [`Denied::NotSelf`] (403), except the administrator's
//!    revoking and resetting.
//!
//! An administrator may not create a token for another account: a token lets its holder act
//! as that account, restricted records and all, and no one but the account's owner should hold
//! one. The operator of the machine can still do it from the command line, which the audit log
//! records as `cli:<os user>`.

use std::fmt;

use crate::directory::{Organisation, Role};
use crate::visibility::{ReadScope, Visibility};
use crate::{OrgId, UserId};

/// A signed-in account acting: who, for which organisation, in which role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Principal {
    /// The account.
    pub user: UserId,
    /// Its organisation.
    pub org: OrgId,
    /// Its role.
    pub role: Role,
}

/// Whoever is making a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    /// No session and no token (or a disabled account's).
    Anonymous,
    /// A signed-in account.
    User(Principal),
}

impl Caller {
    /// The part of the record this caller may read, for filtering lists.
    pub fn read_scope(&self) -> ReadScope {
        match self {
            Caller::Anonymous => ReadScope::Public,
            Caller::User(p) if p.role == Role::CoChair => ReadScope::All,
            Caller::User(p) => ReadScope::Org(p.org),
        }
    }

    /// The account, if signed in.
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Caller::Anonymous => None,
            Caller::User(p) => Some(p),
        }
    }
}

/// Whether the caller may read a record with this visibility.
pub fn can_read(caller: &Caller, visibility: &Visibility) -> bool {
    caller.read_scope().allows(visibility)
}

macro_rules! actions {
    ($( $(#[$m:meta])* $variant:ident = $name:literal, $phrase:literal, $target:ident; )+) => {
        /// Every change the API, the dashboard and the command line can make. One action per
        /// endpoint that writes; the server's access tests walk [`Action::ALL`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Action {
            $( $(#[$m])* $variant ),+
        }

        impl Action {
            /// Every action, in declaration order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];

            /// A stable snake_case name (for logs, the audit log and test tables).
            pub fn as_str(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }

            /// The action as words for error messages ("regrade an incident").
            pub fn phrase(self) -> &'static str {
                match self { $(Action::$variant => $phrase),+ }
            }

            /// Which kind of [`Resource`] the action applies to.
            pub fn target(self) -> Target {
                match self { $(Action::$variant => Target::$target),+ }
            }
        }
    };
}

actions! {
    /// Add an incident to the record.
    CreateIncident = "create_incident", "create an incident", NewRecord;
    /// Change an incident's facts, sources or visibility.
    EditIncident = "edit_incident", "edit an incident", ExistingRecord;
    /// Change an incident's grade (how well it is established).
    Regrade = "regrade", "regrade an incident", ExistingRecord;
    /// Record a truce and its terms.
    CreateTruce = "create_truce", "create a truce", NewRecord;
    /// Change a truce's terms or dates.
    EditTruce = "edit_truce", "edit a truce", ExistingRecord;
    /// Draw a zone of a truce.
    CreateZone = "create_zone", "create a zone", NewRecord;
    /// Change a zone.
    EditZone = "edit_zone", "edit a zone", ExistingRecord;
    /// Designate a group or a site (outside a truce, protected, …).
    CreateDesignation = "create_designation", "create a designation", NewRecord;
    /// Change a designation.
    EditDesignation = "edit_designation", "edit a designation", ExistingRecord;
    /// File a humanitarian notification (a site or a movement notified to parties).
    FileNotification = "file_notification", "file a notification", NewRecord;
    /// Change one's own organisation's notification.
    EditNotification = "edit_notification", "edit a notification", ExistingRecord;
    /// Open an investigation into incidents or findings.
    OpenInvestigation = "open_investigation", "open an investigation", NewRecord;
    /// Add a note or a conclusion to an investigation.
    AnnotateInvestigation = "annotate_investigation", "annotate an investigation", ExistingRecord;
    /// Create, change, disable users.
    ManageUsers = "manage_users", "manage users", Directory;
    /// Create and change organisations.
    ManageOrgs = "manage_orgs", "manage organisations", Directory;
    /// Create an API token for an account.
    CreateToken = "create_token", "create an API token", Account;
    /// Revoke an API token of an account.
    RevokeToken = "revoke_token", "revoke an API token", Account;
    /// Set an account's password.
    ChangePassword = "change_password", "change a password", Account;
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of resource an [`Action`] applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A record about to be created: [`Resource::New`].
    NewRecord,
    /// A record that exists: [`Resource::Existing`].
    ExistingRecord,
    /// An account's credentials: [`Resource::Account`].
    Account,
    /// The organisations and users as a whole: [`Resource::Directory`].
    Directory,
}

/// What the policy needs to know about a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordMeta<'a> {
    /// Who may read it (for a new record: who will).
    pub visibility: &'a Visibility,
    /// The organisation it belongs to, for records that belong to one (a notification belongs
    /// to the organisation that filed it); `None` for shared records such as incidents.
    pub owner: Option<OrgId>,
}

/// What an action is applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// A record being created, as it will be stored.
    New(RecordMeta<'a>),
    /// A record that exists, as it is stored now.
    Existing(RecordMeta<'a>),
    /// The credentials of this account.
    Account(UserId),
    /// The organisations and users as a whole.
    Directory,
}

impl Resource<'_> {
    fn target(&self) -> Target {
        match self {
            Resource::New(_) => Target::NewRecord,
            Resource::Existing(_) => Target::ExistingRecord,
            Resource::Account(_) => Target::Account,
            Resource::Directory => Target::Directory,
        }
    }
}

/// Why [`can`] said no. Each reason has its HTTP status ([`Denied::http_status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Anonymous callers change nothing.
    #[error("sign in to {}", action.phrase())]
    SignInRequired {
        /// What was attempted.
        action: Action,
    },
    /// The record is not visible to the caller; answered as if it did not exist.
    #[error("no such record")]
    NotVisible,
    /// The caller's role does not allow the action.
    #[error("the {role} role may not {}", action.phrase())]
    RoleMayNot {
        /// The caller's role.
        role: Role,
        /// What was attempted.
        action: Action,
    },
    /// The new record's visibility would hide it from the caller's own organisation.
    #[error(
        "the record's visibility leaves out your own organisation, so you could not read it back"
    )]
    HiddenFromAuthor,
    /// The record belongs to another organisation.
    #[error("only the organisation that filed it may {}", action.phrase())]
    NotOwner {
        /// What was attempted.
        action: Action,
    },
    /// Another account's credentials.
    #[error("only the account's owner may {}", action.phrase())]
    NotSelf {
        /// What was attempted.
        action: Action,
    },
    /// The server asked about the wrong kind of resource: a bug in the caller, refused
    /// rather than guessed at.
    #[error("{action} does not apply to {given:?}")]
    WrongResource {
        /// What was attempted.
        action: Action,
        /// The kind of resource given.
        given: Target,
    },
}

impl Denied {
    /// The HTTP status to answer with: 401 to sign in, 404 for what may not be seen, 422 for
    /// a visibility that hides the new record from its author, 500 for a wrong question (a
    /// bug), 403 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            Denied::SignInRequired { .. } => 401,
            Denied::NotVisible => 404,
            Denied::HiddenFromAuthor => 422,
            Denied::WrongResource { .. } => 500,
            Denied::RoleMayNot { .. } | Denied::NotOwner { .. } | Denied::NotSelf { .. } => 403,
        }
    }

    /// The request field the refusal is about, for the API's `{ "error", "field" }` body.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Denied::HiddenFromAuthor => Some("visibility"),
            _ => None,
        }
    }
}

/// Whether the role, on its own, allows the action (before visibility, ownership and
/// account checks). This is the table in the [module documentation](self).
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    match action {
        CreateIncident | EditIncident | Regrade => role == Role::Analyst,
        CreateTruce | EditTruce | CreateZone | EditZone | CreateDesignation | EditDesignation => {
            role == Role::CoChair
        }
        FileNotification | EditNotification => role == Role::Humanitarian,
        OpenInvestigation | AnnotateInvestigation => matches!(
            role,
            Role::CoChair | Role::Member | Role::Analyst | Role::Humanitarian
        ),
        ManageUsers | ManageOrgs => role == Role::Admin,
        CreateToken | RevokeToken | ChangePassword => true,
    }
}

/// Whether the caller may take the action on the resource; see the
/// [module documentation](self) for the rules and the order they are checked in.
pub fn can(caller: &Caller, action: Action, resource: Resource<'_>) -> Result<(), Denied> {
    let Caller::User(me) = caller else {
        return Err(Denied::SignInRequired { action });
    };
    if action.target() != resource.target() {
        return Err(Denied::WrongResource {
            action,
            given: resource.target(),
        });
    }
    if let Resource::Existing(meta) = resource {
        if !can_read(caller, meta.visibility) {
            return Err(Denied::NotVisible);
        }
    }
    if !role_allows(me.role, action) {
        return Err(Denied::RoleMayNot {
            role: me.role,
            action,
        });
    }
    match resource {
        Resource::New(meta) | Resource::Existing(meta) => {
            if matches!(resource, Resource::New(_)) && !can_read(caller, meta.visibility) {
                return Err(Denied::HiddenFromAuthor);
            }
            let owned = matches!(action, Action::FileNotification | Action::EditNotification);
            if owned && meta.owner != Some(me.org) {
                return Err(Denied::NotOwner { action });
            }
        }
        Resource::Account(user) => {
            let admin_may = me.role == Role::Admin && action != Action::CreateToken;
            if user != me.user && !admin_may {
                return Err(Denied::NotSelf { action });
            }
        }
        Resource::Directory => {}
    }
    Ok(())
}

/// The visibility of a humanitarian notification, and the parties nobody in the group speaks
/// for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifiedVisibility {
    /// Restricted to the filing organisation and every organisation representing a notified
    /// party (co-chairs read it as they read all restricted records).
    pub visibility: Visibility,
    /// Notified actor codes that no organisation represents: nobody in hudna reads the
    /// notification on their behalf. The server should tell the filer, not refuse: notifying
    /// an armed group that has no seat in the contact group is normal.
    pub unrepresented: Vec<String>,
}

/// Builds a notification's visibility from the organisation filing it and the actor codes of
/// the parties it notified, looking the parties up in the organisations' `represents` lists.
pub fn notification_visibility<S: AsRef<str>>(
    filer: OrgId,
    notified_parties: &[S],
    orgs: &[Organisation],
) -> NotifiedVisibility {
    let mut readers = vec![filer];
    let mut unrepresented = Vec::new();
    for party in notified_parties {
        let party = party.as_ref();
        let before = readers.len();
        readers.extend(orgs.iter().filter(|o| o.represents(party)).map(|o| o.id));
        if readers.len() == before && !unrepresented.iter().any(|u| u == party) {
            unrepresented.push(party.to_string());
        }
    }
    let visibility = match Visibility::restricted(readers) {
        Ok(v) => v,
        // Not reachable: the filer is always in the set.
        Err(_) => Visibility::Members,
    };
    NotifiedVisibility {
        visibility,
        unrepresented,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgKind;

    fn user(role: Role, org: i64) -> Caller {
        Caller::User(Principal {
            user: UserId(100 + org),
            org: OrgId(org),
            role,
        })
    }

    #[test]
    fn wrong_resource_is_refused_as_a_bug() {
        let caller = user(Role::Analyst, 1);
        let v = Visibility::Public;
        let meta = RecordMeta {
            visibility: &v,
            owner: None,
        };
        let err = can(&caller, Action::EditIncident, Resource::New(meta)).unwrap_err();
        assert_eq!(
            err,
            Denied::WrongResource {
                action: Action::EditIncident,
                given: Target::NewRecord
            }
        );
        assert_eq!(err.http_status(), 500);
        assert!(can(&caller, Action::ManageUsers, Resource::Account(UserId(1))).is_err());
    }

    #[test]
    fn refusals_read_well() {
        let caller = user(Role::Observer, 1);
        let v = Visibility::Members;
        let meta = RecordMeta {
            visibility: &v,
            owner: None,
        };
        let err = can(&caller, Action::Regrade, Resource::Existing(meta)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the observer role may not regrade an incident"
        );
        assert_eq!(err.http_status(), 403);
        let err = can(
            &Caller::Anonymous,
            Action::FileNotification,
            Resource::New(meta),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "sign in to file a notification");
        assert_eq!(err.http_status(), 401);
    }

    #[test]
    fn a_visibility_that_hides_the_new_record_from_its_author_names_the_field() {
        let caller = user(Role::Humanitarian, 3);
        let v = Visibility::restricted([OrgId(4)]).unwrap();
        let meta = RecordMeta {
            visibility: &v,
            owner: Some(OrgId(3)),
        };
        let err = can(&caller, Action::FileNotification, Resource::New(meta)).unwrap_err();
        assert_eq!(err, Denied::HiddenFromAuthor);
        assert_eq!(err.field(), Some("visibility"));
        assert_eq!(err.http_status(), 422);
    }

    #[test]
    fn notification_visibility_maps_parties_to_organisations() {
        let orgs = vec![
            Organisation {
                id: OrgId(1),
                name: "Delegation of State A".into(),
                kind: OrgKind::MemberState,
                represents: vec!["RUS".into()],
            },
            Organisation {
                id: OrgId(2),
                name: "Delegation of State B".into(),
                kind: OrgKind::MemberState,
                represents: vec!["USA".into(), "COAL".into()],
            },
            Organisation {
                id: OrgId(5),
                name: "Observer mission".into(),
                kind: OrgKind::Other,
                represents: vec![],
            },
        ];
        let nv = notification_visibility(OrgId(3), &["RUS", "SYR_GOV", "COAL", "SYR_GOV"], &orgs);
        assert_eq!(nv.visibility.to_string(), "orgs:1,2,3");
        assert_eq!(nv.unrepresented, vec!["SYR_GOV".to_string()]);

        let none: [&str; 0] = [];
        let nv = notification_visibility(OrgId(3), &none, &orgs);
        assert_eq!(nv.visibility.to_string(), "orgs:3");
        assert!(nv.unrepresented.is_empty());
    }

    #[test]
    fn anonymous_scope_is_public_and_co_chairs_see_all() {
        assert_eq!(Caller::Anonymous.read_scope(), ReadScope::Public);
        assert_eq!(user(Role::CoChair, 9).read_scope(), ReadScope::All);
        assert_eq!(user(Role::Admin, 9).read_scope(), ReadScope::Org(OrgId(9)));
        assert!(Caller::Anonymous.principal().is_none());
    }

    #[test]
    fn every_action_has_distinct_names() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
