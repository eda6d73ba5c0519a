//! The access rules as tables: the specification that [`can`] and
//! [`can_read`] are tested against.
//!
//! The tables are public so the server's endpoint tests can walk the same rows: build the
//! [`organisations`] and the [`Fixture`] records in a test database, sign in as each row's
//! [`Who`], call the endpoint that performs the row's [`Does`] and expect the row's status.
//! That way "an observer cannot write" is written once, here, and checked at both layers.
//!
//! The world of the tables:
//!
//! | organisation | kind | speaks for | people in the rows |
//! | --- | --- | --- | --- |
//! | [`STATE_A`] | member state | `RUS` | member, observer, analyst |
//! | [`STATE_B`] | member state | `USA` | member, analyst |
//! | [`RELIEF`] | NGO | | humanitarian |
//! | [`AID`] | NGO | | humanitarian |
//! | [`SECRETARIAT`] | UN agency | | co-chair, admin |
//!
//! `RELIEF` has notified `RUS` of a site ([`Fixture::ReliefNotification`], visible to `RELIEF`
//! and `STATE_A`); `AID` has notified `USA` of a movement ([`Fixture::AidNotification`],
//! visible to `AID` and `STATE_B`). The co-chair sits in the secretariat, not in either, so
//! the rows show that co-chairs see restricted records by their role.

use crate::directory::{OrgKind, Organisation, Role};
use crate::policy::{can, can_read, Action, Caller, Principal, RecordMeta, Resource};
use crate::visibility::Visibility;
use crate::{OrgId, UserId};

/// A member state delegation that speaks for `RUS`.
pub const STATE_A: OrgId = OrgId(1);
/// A member state delegation that speaks for `USA`.
pub const STATE_B: OrgId = OrgId(2);
/// A humanitarian NGO; it notified `RUS` of a site.
pub const RELIEF: OrgId = OrgId(3);
/// Another humanitarian NGO; it notified `USA` of a movement.
pub const AID: OrgId = OrgId(4);
/// The UN secretariat of the contact group, home of the co-chair and the administrator.
pub const SECRETARIAT: OrgId = OrgId(5);

/// The organisations of the tables, as the store would hold them.
pub fn organisations() -> Vec<Organisation> {
    let org = |id: OrgId, name: &str, kind: OrgKind, represents: &[&str]| Organisation {
        id,
        name: name.to_string(),
        kind,
        represents: represents.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        org(
            STATE_A,
            "Delegation of State A",
            OrgKind::MemberState,
            &["RUS"],
        ),
        org(
            STATE_B,
            "Delegation of State B",
            OrgKind::MemberState,
            &["USA"],
        ),
        org(RELIEF, "Relief NGO", OrgKind::Ngo, &[]),
        org(AID, "Aid NGO", OrgKind::Ngo, &[]),
        org(
            SECRETARIAT,
            "Contact group secretariat",
            OrgKind::UnAgency,
            &[],
        ),
    ]
}

/// Who acts in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Nobody signed in.
    Anonymous,
    /// A user of this role in this organisation.
    As(Role, OrgId),
}

impl Who {
    /// The caller, with a user id made from the role and the organisation (so two rows with
    /// the same role and organisation are the same person).
    pub fn caller(self) -> Caller {
        match self {
            Who::Anonymous => Caller::Anonymous,
            Who::As(role, org) => Caller::User(Principal {
                user: Who::user_id(role, org),
                org,
                role,
            }),
        }
    }

    /// The user id [`Who::caller`] gives this role in this organisation.
    pub fn user_id(role: Role, org: OrgId) -> UserId {
        let r = Role::ALL.iter().position(|x| *x == role).unwrap_or(0) as i64;
        UserId(org.0 * 10 + r)
    }
}

/// The records of the tables. Only a record's visibility and owner matter to the policy, so
/// the shared ones stand for any kind of record (an incident, a truce, an investigation): a
/// row says which by its action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixture {
    /// A record anyone may read.
    PublicRecord,
    /// A record for the contact group's accounts.
    MembersRecord,
    /// `RELIEF`'s notification to `RUS`: visible to `RELIEF` and `STATE_A`.
    ReliefNotification,
    /// `AID`'s notification to `USA`: visible to `AID` and `STATE_B`.
    AidNotification,
    /// A notification visible to both NGOs but filed by `AID`.
    JointNotification,
    /// A record (an investigation, say) `STATE_B` keeps to itself.
    StateBRecord,
}

impl Fixture {
    /// Who may read it.
    pub fn visibility(self) -> Visibility {
        let only = |orgs: &[OrgId]| {
            Visibility::restricted(orgs.iter().copied()).unwrap_or(Visibility::Members)
        };
        match self {
            Fixture::PublicRecord => Visibility::Public,
            Fixture::MembersRecord => Visibility::Members,
            Fixture::ReliefNotification => only(&[RELIEF, STATE_A]),
            Fixture::AidNotification => only(&[AID, STATE_B]),
            Fixture::JointNotification => only(&[RELIEF, AID]),
            Fixture::StateBRecord => only(&[STATE_B]),
        }
    }

    /// The organisation it belongs to (notifications), if any.
    pub fn owner(self) -> Option<OrgId> {
        match self {
            Fixture::ReliefNotification => Some(RELIEF),
            Fixture::AidNotification | Fixture::JointNotification => Some(AID),
            _ => None,
        }
    }
}

/// What the action is applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// The fixture record, as it exists.
    Existing(Fixture),
    /// A new record shaped like the fixture (its visibility and owner).
    New(Fixture),
    /// The acting user's own account.
    OwnAccount,
    /// Somebody else's account.
    OtherAccount,
    /// The organisations and users as a whole.
    Directory,
}

/// What the row's caller attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Does {
    /// Read the record.
    Read,
    /// Take the action.
    Act(Action),
}

/// What should happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// It is allowed (the server answers 200 or 201).
    Allowed,
    /// It is refused with this HTTP status (401, 403, 404, 422).
    Refused(u16),
}

/// One row of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Who acts.
    pub who: Who,
    /// What they attempt.
    pub does: Does,
    /// On what.
    pub on: On,
    /// What should happen.
    pub expect: Expect,
    /// The sentence of the specification the row checks.
    pub why: &'static str,
}

use Does::{Act, Read};
use Expect::{Allowed, Refused};
use Fixture::*;
use Role::*;

const ANONYMOUS: Who = Who::Anonymous;
const fn who(role: Role, org: OrgId) -> Who {
    Who::As(role, org)
}
const fn rule(who: Who, does: Does, on: On, expect: Expect, why: &'static str) -> Rule {
    Rule {
        who,
        does,
        on,
        expect,
        why,
    }
}
const fn existing(f: Fixture) -> On {
    On::Existing(f)
}
const fn new(f: Fixture) -> On {
    On::New(f)
}

/// The specification, row by row.
pub const RULES: &[Rule] = &[
    // Anonymous visitors see only what is public and change nothing.
    rule(
        ANONYMOUS,
        Read,
        existing(PublicRecord),
        Allowed,
        "anonymous visitors see public records",
    ),
    rule(
        ANONYMOUS,
        Read,
        existing(MembersRecord),
        Refused(404),
        "anonymous visitors do not see members' records",
    ),
    rule(
        ANONYMOUS,
        Read,
        existing(ReliefNotification),
        Refused(404),
        "anonymous visitors do not see restricted records",
    ),
    rule(
        ANONYMOUS,
        Act(Action::CreateIncident),
        new(PublicRecord),
        Refused(401),
        "anonymous visitors must sign in to write",
    ),
    rule(
        ANONYMOUS,
        Act(Action::FileNotification),
        new(ReliefNotification),
        Refused(401),
        "anonymous visitors must sign in to file",
    ),
    rule(
        ANONYMOUS,
        Act(Action::CreateToken),
        On::OtherAccount,
        Refused(401),
        "anonymous visitors hold no credentials",
    ),
    // Members' records are for every account, observers included.
    rule(
        who(Observer, STATE_A),
        Read,
        existing(MembersRecord),
        Allowed,
        "observers read what members read",
    ),
    rule(
        who(Member, STATE_B),
        Read,
        existing(MembersRecord),
        Allowed,
        "members read members' records",
    ),
    rule(
        who(Humanitarian, AID),
        Read,
        existing(MembersRecord),
        Allowed,
        "humanitarian accounts read members' records",
    ),
    // Restricted records: the named organisations and the co-chairs.
    rule(
        who(Humanitarian, RELIEF),
        Read,
        existing(ReliefNotification),
        Allowed,
        "an organisation reads its own notification",
    ),
    rule(
        who(Member, STATE_A),
        Read,
        existing(ReliefNotification),
        Allowed,
        "a notified party reads the notification",
    ),
    rule(
        who(Observer, STATE_A),
        Read,
        existing(ReliefNotification),
        Allowed,
        "every account of a notified party reads it",
    ),
    rule(
        who(Member, STATE_B),
        Read,
        existing(ReliefNotification),
        Refused(404),
        "a party that was not notified does not read it",
    ),
    rule(
        who(Humanitarian, AID),
        Read,
        existing(ReliefNotification),
        Refused(404),
        "organisation A cannot read organisation B's restricted notification",
    ),
    rule(
        who(Humanitarian, RELIEF),
        Read,
        existing(AidNotification),
        Refused(404),
        "organisation B cannot read organisation A's restricted notification",
    ),
    rule(
        who(Analyst, STATE_B),
        Read,
        existing(ReliefNotification),
        Refused(404),
        "no role lets one past a restriction except co-chair",
    ),
    rule(
        who(CoChair, SECRETARIAT),
        Read,
        existing(ReliefNotification),
        Allowed,
        "co-chairs see restricted humanitarian records",
    ),
    rule(
        who(CoChair, SECRETARIAT),
        Read,
        existing(AidNotification),
        Allowed,
        "co-chairs see every restricted record",
    ),
    rule(
        who(Admin, SECRETARIAT),
        Read,
        existing(ReliefNotification),
        Refused(404),
        "administrators do not see restricted records",
    ),
    // Observers change nothing in the record.
    rule(
        who(Observer, STATE_A),
        Act(Action::CreateIncident),
        new(PublicRecord),
        Refused(403),
        "observers cannot create incidents",
    ),
    rule(
        who(Observer, STATE_A),
        Act(Action::EditIncident),
        existing(MembersRecord),
        Refused(403),
        "observers cannot edit incidents",
    ),
    rule(
        who(Observer, STATE_A),
        Act(Action::Regrade),
        existing(PublicRecord),
        Refused(403),
        "observers cannot regrade",
    ),
    rule(
        who(Observer, STATE_A),
        Act(Action::EditTruce),
        existing(MembersRecord),
        Refused(403),
        "observers cannot change truces",
    ),
    rule(
        who(Observer, STATE_A),
        Act(Action::OpenInvestigation),
        new(MembersRecord),
        Refused(403),
        "observers cannot open investigations",
    ),
    rule(
        who(Observer, STATE_A),
        Act(Action::AnnotateInvestigation),
        existing(MembersRecord),
        Refused(403),
        "observers cannot annotate investigations",
    ),
    rule(
        who(Observer, STATE_A),
        Act(Action::EditNotification),
        existing(ReliefNotification),
        Refused(403),
        "observers cannot edit a notification they can read",
    ),
    // Analysts keep the incident record.
    rule(
        who(Analyst, STATE_A),
        Act(Action::CreateIncident),
        new(PublicRecord),
        Allowed,
        "analysts create incidents",
    ),
    rule(
        who(Analyst, STATE_B),
        Act(Action::EditIncident),
        existing(MembersRecord),
        Allowed,
        "analysts edit incidents",
    ),
    rule(
        who(Analyst, STATE_B),
        Act(Action::Regrade),
        existing(PublicRecord),
        Allowed,
        "analysts regrade incidents",
    ),
    rule(
        who(Analyst, STATE_A),
        Act(Action::CreateTruce),
        new(PublicRecord),
        Refused(403),
        "analysts do not set truces",
    ),
    rule(
        who(Analyst, STATE_A),
        Act(Action::EditIncident),
        existing(StateBRecord),
        Refused(404),
        "analysts cannot change what they cannot see",
    ),
    // Humanitarian organisations file their own notifications.
    rule(
        who(Humanitarian, RELIEF),
        Act(Action::FileNotification),
        new(ReliefNotification),
        Allowed,
        "a humanitarian user can file a notification",
    ),
    rule(
        who(Humanitarian, RELIEF),
        Act(Action::EditNotification),
        existing(ReliefNotification),
        Allowed,
        "a humanitarian user edits its organisation's notification",
    ),
    rule(
        who(Humanitarian, RELIEF),
        Act(Action::EditNotification),
        existing(AidNotification),
        Refused(404),
        "another organisation's notification is not even seen",
    ),
    rule(
        who(Humanitarian, RELIEF),
        Act(Action::EditNotification),
        existing(JointNotification),
        Refused(403),
        "seeing a notification is not owning it",
    ),
    rule(
        who(Humanitarian, RELIEF),
        Act(Action::FileNotification),
        new(JointNotification),
        Refused(403),
        "nobody files in another organisation's name",
    ),
    rule(
        who(Humanitarian, RELIEF),
        Act(Action::FileNotification),
        new(AidNotification),
        Refused(422),
        "a notification must stay visible to the organisation filing it",
    ),
    rule(
        who(Humanitarian, RELIEF),
        Act(Action::CreateIncident),
        new(PublicRecord),
        Refused(403),
        "humanitarian users do not edit incidents",
    ),
    rule(
        who(Member, STATE_A),
        Act(Action::EditNotification),
        existing(ReliefNotification),
        Refused(403),
        "a notified party reads but does not edit",
    ),
    rule(
        who(CoChair, SECRETARIAT),
        Act(Action::EditNotification),
        existing(ReliefNotification),
        Refused(403),
        "co-chairs read notifications but do not edit them",
    ),
    // Co-chairs set the terms.
    rule(
        who(CoChair, SECRETARIAT),
        Act(Action::CreateTruce),
        new(PublicRecord),
        Allowed,
        "co-chairs create truces",
    ),
    rule(
        who(CoChair, SECRETARIAT),
        Act(Action::EditZone),
        existing(MembersRecord),
        Allowed,
        "co-chairs edit zones",
    ),
    rule(
        who(CoChair, SECRETARIAT),
        Act(Action::CreateDesignation),
        new(MembersRecord),
        Allowed,
        "co-chairs create designations",
    ),
    rule(
        who(CoChair, SECRETARIAT),
        Act(Action::Regrade),
        existing(PublicRecord),
        Refused(403),
        "grading is the analysts' job",
    ),
    rule(
        who(Member, STATE_B),
        Act(Action::CreateTruce),
        new(PublicRecord),
        Refused(403),
        "members do not set truces",
    ),
    // Investigations.
    rule(
        who(Member, STATE_B),
        Act(Action::OpenInvestigation),
        new(StateBRecord),
        Allowed,
        "members open investigations",
    ),
    rule(
        who(Member, STATE_B),
        Act(Action::AnnotateInvestigation),
        existing(StateBRecord),
        Allowed,
        "members annotate investigations they see",
    ),
    rule(
        who(Member, STATE_A),
        Act(Action::AnnotateInvestigation),
        existing(StateBRecord),
        Refused(404),
        "an investigation kept to one organisation is hidden from others",
    ),
    rule(
        who(Member, STATE_A),
        Act(Action::OpenInvestigation),
        new(StateBRecord),
        Refused(422),
        "nobody opens what they could not read back",
    ),
    rule(
        who(CoChair, SECRETARIAT),
        Act(Action::AnnotateInvestigation),
        existing(StateBRecord),
        Allowed,
        "co-chairs annotate any investigation",
    ),
    // Set-up.
    rule(
        who(Admin, SECRETARIAT),
        Act(Action::ManageUsers),
        On::Directory,
        Allowed,
        "administrators manage users",
    ),
    rule(
        who(Admin, SECRETARIAT),
        Act(Action::ManageOrgs),
        On::Directory,
        Allowed,
        "administrators manage organisations",
    ),
    rule(
        who(CoChair, SECRETARIAT),
        Act(Action::ManageUsers),
        On::Directory,
        Refused(403),
        "only administrators manage users",
    ),
    rule(
        who(Admin, SECRETARIAT),
        Act(Action::CreateIncident),
        new(PublicRecord),
        Refused(403),
        "administrators do not write the record",
    ),
    // Credentials.
    rule(
        who(Observer, STATE_A),
        Act(Action::CreateToken),
        On::OwnAccount,
        Allowed,
        "every account may create its own API token",
    ),
    rule(
        who(Observer, STATE_A),
        Act(Action::CreateToken),
        On::OtherAccount,
        Refused(403),
        "nobody creates a token for someone else",
    ),
    rule(
        who(Admin, SECRETARIAT),
        Act(Action::CreateToken),
        On::OtherAccount,
        Refused(403),
        "not even an administrator creates a token for someone else",
    ),
    rule(
        who(Admin, SECRETARIAT),
        Act(Action::RevokeToken),
        On::OtherAccount,
        Allowed,
        "administrators revoke anyone's tokens",
    ),
    rule(
        who(Admin, SECRETARIAT),
        Act(Action::ChangePassword),
        On::OtherAccount,
        Allowed,
        "administrators reset passwords",
    ),
    rule(
        who(Member, STATE_B),
        Act(Action::ChangePassword),
        On::OwnAccount,
        Allowed,
        "everyone changes their own password",
    ),
    rule(
        who(Member, STATE_B),
        Act(Action::ChangePassword),
        On::OtherAccount,
        Refused(403),
        "nobody else changes it",
    ),
];

/// Which roles may take each action, where visibility, ownership and accounts are not in the
/// way (the caller sees the record, owns it, and acts on their own account). Columns in the
/// order of [`ROLE_COLUMNS`].
pub const ROLE_MATRIX: &[(Action, [bool; 6])] = {
    const Y: bool = true;
    const N: bool = false;
    &[
        //                                   co_chair member observer analyst humanitarian admin
        (Action::CreateIncident, /*       */ [N, N, N, Y, N, N]),
        (Action::EditIncident, /*         */ [N, N, N, Y, N, N]),
        (Action::Regrade, /*              */ [N, N, N, Y, N, N]),
        (Action::CreateTruce, /*          */ [Y, N, N, N, N, N]),
        (Action::EditTruce, /*            */ [Y, N, N, N, N, N]),
        (Action::CreateZone, /*           */ [Y, N, N, N, N, N]),
        (Action::EditZone, /*             */ [Y, N, N, N, N, N]),
        (Action::CreateDesignation, /*    */ [Y, N, N, N, N, N]),
        (Action::EditDesignation, /*      */ [Y, N, N, N, N, N]),
        (Action::FileNotification, /*     */ [N, N, N, N, Y, N]),
        (Action::EditNotification, /*     */ [N, N, N, N, Y, N]),
        (Action::OpenInvestigation, /*    */ [Y, Y, N, Y, Y, N]),
        (Action::AnnotateInvestigation, /**/ [Y, Y, N, Y, Y, N]),
        (Action::ManageUsers, /*          */ [N, N, N, N, N, Y]),
        (Action::ManageOrgs, /*           */ [N, N, N, N, N, Y]),
        (Action::CreateToken, /*          */ [Y, Y, Y, Y, Y, Y]),
        (Action::RevokeToken, /*          */ [Y, Y, Y, Y, Y, Y]),
        (Action::ChangePassword, /*       */ [Y, Y, Y, Y, Y, Y]),
    ]
};

/// The roles in the column order of [`ROLE_MATRIX`].
pub const ROLE_COLUMNS: [Role; 6] = [CoChair, Member, Observer, Analyst, Humanitarian, Admin];

/// What the policy decides for a row, as the server would answer it: a read that is not
/// allowed is a 404, a refused action has its [`Denied::http_status`](crate::Denied::http_status).
pub fn outcome(rule: &Rule) -> Expect {
    let caller = rule.who.caller();
    let own = caller.principal().map(|p| p.user).unwrap_or(UserId(0));
    let visibility;
    let resource = match rule.on {
        On::Existing(f) | On::New(f) => {
            visibility = f.visibility();
            let meta = RecordMeta {
                visibility: &visibility,
                owner: f.owner(),
            };
            if matches!(rule.on, On::New(_)) {
                Resource::New(meta)
            } else {
                Resource::Existing(meta)
            }
        }
        On::OwnAccount => Resource::Account(own),
        On::OtherAccount => Resource::Account(UserId(-1)),
        On::Directory => Resource::Directory,
    };
    match rule.does {
        Does::Read => match resource {
            Resource::Existing(meta) | Resource::New(meta) => {
                if can_read(&caller, meta.visibility) {
                    Expect::Allowed
                } else {
                    Expect::Refused(404)
                }
            }
            // Accounts and the directory are not records; reading them is the admin pages'
            // business and outside these tables.
            _ => Expect::Refused(404),
        },
        Does::Act(action) => match can(&caller, action, resource) {
            Ok(()) => Expect::Allowed,
            Err(denied) => Expect::Refused(denied.http_status()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_holds() {
        let mut failures = Vec::new();
        for rule in RULES {
            let got = outcome(rule);
            if got != rule.expect {
                failures.push(format!(
                    "{}: {:?} {:?} {:?}: expected {:?}, got {:?}",
                    rule.why, rule.who, rule.does, rule.on, rule.expect, got
                ));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn every_role_and_action_is_in_the_matrix_once() {
        let mut actions: Vec<Action> = ROLE_MATRIX.iter().map(|(a, _)| *a).collect();
        actions.sort();
        let mut all = Action::ALL.to_vec();
        all.sort();
        assert_eq!(actions, all);
        let mut roles = ROLE_COLUMNS.to_vec();
        roles.sort();
        let mut all_roles = Role::ALL.to_vec();
        all_roles.sort();
        assert_eq!(roles, all_roles);
    }

    /// Each cell of the matrix, on a record the caller sees and owns, or on its own account.
    #[test]
    fn role_matrix_holds() {
        let members = Visibility::Members;
        let mut failures = Vec::new();
        for (action, cells) in ROLE_MATRIX {
            for (role, allowed) in ROLE_COLUMNS.iter().zip(cells) {
                let org = OrgId(7);
                let caller = Who::As(*role, org).caller();
                let meta = RecordMeta {
                    visibility: &members,
                    owner: Some(org),
                };
                let resource = match action.target() {
                    crate::policy::Target::NewRecord => Resource::New(meta),
                    crate::policy::Target::ExistingRecord => Resource::Existing(meta),
                    crate::policy::Target::Account => Resource::Account(Who::user_id(*role, org)),
                    crate::policy::Target::Directory => Resource::Directory,
                };
                let got = can(&caller, *action, resource);
                if got.is_ok() != *allowed {
                    failures.push(format!("{role} {action}: expected {allowed}, got {got:?}"));
                }
                let anon = can(&Caller::Anonymous, *action, resource);
                if anon.map_err(|d| d.http_status()) != Err(401) {
                    failures.push(format!("anonymous {action}: expected 401"));
                }
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    /// No role may write anything as an observer would: the observer column is all "no"
    /// except for its own credentials.
    #[test]
    fn observer_column_writes_nothing_in_the_record() {
        let col = ROLE_COLUMNS.iter().position(|r| *r == Observer).unwrap();
        for (action, cells) in ROLE_MATRIX {
            let credential = matches!(
                action,
                Action::CreateToken | Action::RevokeToken | Action::ChangePassword
            );
            assert_eq!(cells[col], credential, "{action}");
        }
    }

    /// Reads: every caller of the world against every fixture, checked against the rule
    /// stated in words in the visibility module.
    #[test]
    fn read_matrix_follows_the_visibility_rules() {
        let fixtures = [
            PublicRecord,
            MembersRecord,
            ReliefNotification,
            AidNotification,
            JointNotification,
            StateBRecord,
        ];
        let mut callers = vec![Who::Anonymous];
        for org in organisations() {
            for role in Role::ALL {
                callers.push(Who::As(*role, org.id));
            }
        }
        for who in callers {
            for f in fixtures {
                let v = f.visibility();
                let expected = match (who, &v) {
                    (_, Visibility::Public) => true,
                    (Who::Anonymous, _) => false,
                    (Who::As(_, _), Visibility::Members) => true,
                    (Who::As(CoChair, _), Visibility::Restricted(_)) => true,
                    (Who::As(_, org), Visibility::Restricted(set)) => set.contains(org),
                };
                assert_eq!(can_read(&who.caller(), &v), expected, "{who:?} {f:?}");
            }
        }
    }

    #[test]
    fn fixture_notifications_match_notification_visibility() {
        let orgs = organisations();
        let relief = crate::notification_visibility(RELIEF, &["RUS"], &orgs);
        assert_eq!(relief.visibility, ReliefNotification.visibility());
        let aid = crate::notification_visibility(AID, &["USA"], &orgs);
        assert_eq!(aid.visibility, AidNotification.visibility());
    }
}
