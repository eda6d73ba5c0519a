//! What a caller may see of records whose visibility is not simply their own row's.
//!
//! Incidents, notifications filed through hudna and articles are filtered in SQL by their
//! `visibility` column ([`hudna_access::ReadScope`]). Three things need more than that, and
//! are decided here so that the API and the dashboard decide them the same way:
//!
//! - **A truce file's notifications.** The truce is public — the contact group publishes its
//!   terms — but a humanitarian organisation that tells the parties where its hospitals and
//!   convoys are does not thereby publish them. Each `[[site]]` and `[[movement]]` carries a
//!   `visibility` keyword (docs/truce-format.md): `notified` (the default) is resolved here,
//!   against the record's organisations, to the organisations that represent a notified
//!   party and the one named as the notifying `organisation`; the co-chairs read every
//!   notification. [`truce_for`] and [`truces_for`] give a truce with the notifications the
//!   caller may not read taken out, from its terms, its term list and so from its map.
//! - **Findings that name a notification** (`notified_site_hit`, `notified_movement_hit`).
//!   Such a finding says that an incident at a known place hit a protected site or route:
//!   with the incident's coordinates it places the site to within its radius. So it is shown
//!   only to whoever may read both the incident and the notification; to others it does not
//!   exist — not in the incident's findings, not in the findings list, not in the map's
//!   colours and not through the `rule` filter. [`hidden_terms`] lists the (truce, term)
//!   pairs to leave out, for the store's queries; the truces' listing counts only the
//!   findings and terms the caller may see ([`truce_list_for`]).
//! - **Audit log entries.** An entry says when a record changed and by whom; it is shown to
//!   whoever may see the record it is about ([`audit_visible`]): incidents, findings,
//!   articles and notifications by their visibility, an account and its tokens to the
//!   account itself, the administrators and the co-chairs, and the shared set-up
//!   (organisations, truces, check runs) to every signed-in account.

use hudna_access::{can_read, Caller, OrgId, Organisation, ReadScope, Role, Visibility};
use hudna_store::{
    LoggedEntry, NotificationRecord, RecordReaders, SqliteStore, TruceStore, TruceVersion,
};
use hudna_truce::{Notification, NotificationVisibility, Truce, FILED_TERM_PREFIX};

use crate::error::ApiError;
use crate::App;

/// Who may read a truce file's notification, resolved against the record's organisations.
/// `None` stands for the co-chairs alone (a `notified` notification whose parties and
/// organisation nobody in the record speaks for).
pub fn truce_notification_visibility(
    n: &Notification,
    orgs: &[Organisation],
) -> Option<Visibility> {
    match n.visibility {
        NotificationVisibility::Public => Some(Visibility::Public),
        NotificationVisibility::Members => Some(Visibility::Members),
        NotificationVisibility::Notified => {
            let readers: Vec<OrgId> = orgs
                .iter()
                .filter(|o| {
                    o.name.trim().eq_ignore_ascii_case(n.organisation.trim())
                        || n.notified.iter().any(|x| o.represents(&x.party))
                })
                .map(|o| o.id)
                .collect();
            Visibility::restricted(readers).ok()
        }
    }
}

/// Whether the caller reads a record of this visibility (`None`: the co-chairs only).
pub fn may_read(caller: &Caller, visibility: Option<&Visibility>) -> bool {
    match visibility {
        Some(v) => can_read(caller, v),
        None => caller.read_scope() == ReadScope::All,
    }
}

/// The term id a notification filed through hudna has when it is judged with a truce.
pub fn filed_term(id: i64) -> String {
    format!("{FILED_TERM_PREFIX}{id}")
}

/// Takes out of a truce (and its stored term list) the notifications the caller may not
/// read.
pub fn filter_truce(
    caller: &Caller,
    orgs: &[Organisation],
    version: Option<&mut TruceVersion>,
    truce: &mut Truce,
) {
    if caller.read_scope() == ReadScope::All {
        return;
    }
    let mut hidden: Vec<String> = Vec::new();
    truce.notifications.retain(|n| {
        let ok = may_read(caller, truce_notification_visibility(n, orgs).as_ref());
        if !ok {
            hidden.push(n.id.clone());
        }
        ok
    });
    if let Some(v) = version {
        v.terms.retain(|t| {
            !(matches!(t.kind.as_str(), "site" | "movement") && hidden.contains(&t.id))
        });
    }
}

/// The current version of a truce as the caller may see it.
pub fn truce_for(
    s: &mut SqliteStore,
    app: &App,
    id: &str,
    caller: &Caller,
) -> Result<Option<(TruceVersion, Truce, Vec<u32>)>, ApiError> {
    let Some((mut v, mut t, versions)) = crate::truces::current_truce(s, app, id)? else {
        return Ok(None);
    };
    let orgs = s.organisations()?;
    filter_truce(caller, &orgs, Some(&mut v), &mut t);
    Ok(Some((v, t, versions)))
}

/// Every stored truce's current terms as the caller may see them (for the map).
pub fn truces_for(s: &mut SqliteStore, app: &App, caller: &Caller) -> Result<Vec<Truce>, ApiError> {
    let mut truces = crate::truces::all_truces(s, app)?;
    if caller.read_scope() != ReadScope::All {
        let orgs = s.organisations()?;
        for t in &mut truces {
            filter_truce(caller, &orgs, None, t);
        }
    }
    Ok(truces)
}

/// The (truce, term) pairs of the notifications the caller may not read: those of the truce
/// files, and those filed through hudna (`filed:ID`, under every truce, as `hudna check`
/// judges them). Findings of the notification rules on these pairs are not shown.
pub fn hidden_terms(
    s: &mut SqliteStore,
    app: &App,
    caller: &Caller,
) -> Result<Vec<(String, String)>, ApiError> {
    if caller.read_scope() == ReadScope::All || !s.has_table("findings")? {
        return Ok(Vec::new());
    }
    let orgs = s.organisations()?;
    let truces = crate::truces::all_truces(s, app)?;
    let filed: Vec<NotificationRecord> = s.notifications(ReadScope::All)?;
    let mut out = Vec::new();
    for t in &truces {
        for n in &t.notifications {
            if !may_read(caller, truce_notification_visibility(n, &orgs).as_ref()) {
                out.push((t.id.clone(), n.id.clone()));
            }
        }
        for n in &filed {
            let readable = n
                .visibility
                .parse::<Visibility>()
                .map(|v| can_read(caller, &v))
                .unwrap_or(false);
            if !readable {
                out.push((t.id.clone(), filed_term(n.id)));
            }
        }
    }
    Ok(out)
}

/// The stored truces as the caller may see them listed: the count of findings is of those
/// it may see, and the count of terms leaves out the notifications it may not read.
pub fn truce_list_for(
    s: &mut SqliteStore,
    app: &App,
    caller: &Caller,
) -> Result<Vec<hudna_store::TruceSummary>, ApiError> {
    if !s.has_table("truces")? {
        return Ok(Vec::new());
    }
    let mut list = s.truce_list()?;
    let scope = caller.read_scope();
    if scope == ReadScope::All {
        return Ok(list);
    }
    let hidden = hidden_terms(s, app, caller)?;
    for t in &mut list {
        let unread = hidden
            .iter()
            .filter(|(truce, term)| *truce == t.id && !term.starts_with(FILED_TERM_PREFIX))
            .count() as u32;
        t.terms = t.terms.saturating_sub(unread);
        t.findings = if s.has_table("findings")? {
            s.findings_visible_count(scope, &t.id, &hidden)?
        } else {
            0
        };
    }
    Ok(list)
}

/// Refuses (400, naming `truce`) a `truce` filter that names no stored truce: it would only
/// ever list nothing.
pub fn known_truce(s: &mut SqliteStore, truce: Option<&str>) -> Result<(), ApiError> {
    let Some(id) = truce else {
        return Ok(());
    };
    let known: Vec<String> = if s.has_table("truces")? {
        s.truce_list()?.into_iter().map(|t| t.id).collect()
    } else {
        Vec::new()
    };
    if known.iter().any(|k| k == id) {
        return Ok(());
    }
    let listed = if known.is_empty() {
        "none is stored".to_string()
    } else {
        format!("stored: {}", known.join(", "))
    };
    Err(ApiError::bad_field(
        "truce",
        format!("truce `{id}` is not a stored truce ({listed})"),
    ))
}

/// The audit entries about records the caller may see (see the module documentation), in
/// their order.
pub fn audit_visible(
    s: &SqliteStore,
    caller: &Caller,
    entries: Vec<LoggedEntry>,
) -> Result<Vec<LoggedEntry>, ApiError> {
    let Some(me) = caller.principal() else {
        return Ok(Vec::new());
    };
    let scope = caller.read_scope();
    if scope == ReadScope::All {
        return Ok(entries);
    }
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let ok = match s.audited_record_readers(scope, &e.record_kind, &e.record_id)? {
            RecordReaders::Visible(ok) => ok,
            RecordReaders::Account(user) => user == me.user.0 || me.role == Role::Admin,
            RecordReaders::Members => true,
        };
        if ok {
            out.push(e);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hudna_access::{OrgKind, Principal, UserId};

    fn org(id: i64, name: &str, represents: &[&str]) -> Organisation {
        Organisation {
            id: OrgId(id),
            name: name.into(),
            kind: OrgKind::Other,
            represents: represents.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn caller(org: i64, role: Role) -> Caller {
        Caller::User(Principal {
            user: UserId(100 + org),
            org: OrgId(org),
            role,
        })
    }

    const TRUCE: &str = r#"
id = "t"
utc_offset = "+03:00"
[name]
en = "T"
ar = "ت"
[source]
title = "T"
date = 2016-09-09
[[period]]
id = "p"
from = 2016-09-12
until = 2016-09-19
[[site]]
id = "clinic"
facility = "hospital"
name = "Clinic"
organisation = "Relief"
lat = 36.2
lon = 37.1
radius_km = 0.5
notified = [{ party = "RUS", at = 2016-09-01 }]
[[site]]
id = "school"
facility = "school"
name = "School"
organisation = "Nobody we know"
lat = 36.3
lon = 37.2
radius_km = 0.5
visibility = "members"
"#;

    #[test]
    fn truce_notifications_are_for_the_notified_the_notifier_and_the_co_chairs() {
        let actors = hudna_truce::ActorCodes::new(["RUS", "USA"]);
        let truce = hudna_truce::parse_truce(TRUCE, "t.toml", None, &actors).unwrap();
        let orgs = [
            org(1, "Russian delegation", &["RUS"]),
            org(2, "German delegation", &[]),
            org(3, "relief", &[]),
        ];
        let clinic = &truce.notifications[0];
        assert_eq!(
            truce_notification_visibility(clinic, &orgs),
            Some(Visibility::restricted([OrgId(1), OrgId(3)]).unwrap())
        );
        let sees = |c: &Caller| {
            let mut t = truce.clone();
            filter_truce(c, &orgs, None, &mut t);
            t.notifications
                .iter()
                .map(|n| n.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(sees(&Caller::Anonymous), Vec::<String>::new());
        assert_eq!(sees(&caller(2, Role::Member)), ["school"]);
        assert_eq!(sees(&caller(1, Role::Member)), ["clinic", "school"]);
        assert_eq!(sees(&caller(3, Role::Humanitarian)), ["clinic", "school"]);
        assert_eq!(sees(&caller(2, Role::CoChair)), ["clinic", "school"]);
        // Nobody in the record speaks for it: the co-chairs alone.
        let none = truce_notification_visibility(clinic, &orgs[1..2]);
        assert_eq!(none, None);
        assert!(!may_read(&caller(2, Role::Admin), None));
        assert!(may_read(&caller(2, Role::CoChair), None));
    }
}
