//! `hudna serve`: the API and the dashboard over one database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::DbArg;

/// Arguments of `hudna serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// Address to listen on (port 0 picks a free port; the URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Mark session cookies `Secure` (set this when the site is reached over HTTPS).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    pub body_limit: usize,
}

/// Serves `db` at `addr` until interrupted, printing the URL once listening.
pub fn serve_db(
    cli: &crate::Cli,
    db: PathBuf,
    addr: SocketAddr,
    secure: bool,
    body_limit: usize,
) -> anyhow::Result<()> {
    let mut config = hudna_server::Config::new(db);
    config.secure_cookies = secure;
    config.body_limit = body_limit;
    config.actors = crate::truce::actor_codes(cli)?;
    hudna_server::serve(config, addr, |bound| {
        println!(
            "hudna serving on http://{bound}/ (API: http://{bound}/api/v1/openapi.json); Ctrl-C stops it"
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
    })?;
    Ok(())
}

pub fn run(cli: &crate::Cli, args: &Args) -> anyhow::Result<ExitCode> {
    args.db.require_existing()?;
    serve_db(
        cli,
        args.db.db.clone(),
        args.addr,
        args.secure_cookies,
        args.body_limit,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// An account made for the demo, with its password (printed once by `hudna demo`).
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Login name.
    pub username: String,
    /// Its random password.
    pub password: String,
    /// Its role.
    pub role: hudna_access::Role,
    /// Its organisation's name.
    pub org: String,
}

/// The demo's contact group: the co-chairs' delegations (the United States and Russia, which
/// speak for USA and RUS), a member state, UN OCHA, the Syrian Arab Red Crescent, an observer
/// mission and the secretariat; one account per role with a random password; and one
/// notification that SARC filed with Russia only (a warehouse), which the other members do
/// not see. Every change is logged as made from the command line.
pub fn demo_accounts(db: &std::path::Path) -> anyhow::Result<Vec<DemoAccount>> {
    use hudna_access::{OrgKind, Role};
    let mut store = hudna_store::SqliteStore::open(db)?;
    let actor = crate::admin::cli_actor();
    let orgs: [(&str, OrgKind, &[&str]); 7] = [
        (
            "Delegation of the United States",
            OrgKind::MemberState,
            &["USA"],
        ),
        (
            "Delegation of the Russian Federation",
            OrgKind::MemberState,
            &["RUS"],
        ),
        ("Delegation of Germany", OrgKind::MemberState, &[]),
        ("UN OCHA", OrgKind::UnAgency, &[]),
        ("Syrian Arab Red Crescent", OrgKind::Ngo, &[]),
        ("Ceasefire observer mission", OrgKind::Other, &[]),
        ("Contact group secretariat", OrgKind::UnAgency, &[]),
    ];
    let mut ids = Vec::new();
    for (name, kind, represents) in orgs {
        let codes: Vec<String> = represents.iter().map(|s| s.to_string()).collect();
        let id = match store.org_by_name(name)? {
            Some(o) => o.id,
            None => store.create_org(&actor, name, kind, &codes)?,
        };
        ids.push((name, id));
    }
    let people: [(&str, &str, Role, usize); 8] = [
        ("us.cochair", "US co-chair", Role::CoChair, 0),
        ("ru.cochair", "Russian co-chair", Role::CoChair, 1),
        ("member", "German delegate", Role::Member, 2),
        ("analyst", "OCHA analyst", Role::Analyst, 3),
        ("sarc", "SARC operations", Role::Humanitarian, 4),
        ("ru.member", "Russian delegate", Role::Member, 1),
        ("observer", "Observer mission", Role::Observer, 5),
        ("admin", "Secretariat administrator", Role::Admin, 6),
    ];
    let mut out = Vec::new();
    for (username, display, role, org) in people {
        if store.user_by_username(username)?.is_some() {
            continue;
        }
        let password = crate::admin::random_password()?;
        crate::admin::add_user(
            &mut store, &actor, username, display, ids[org].1, role, &password,
        )?;
        out.push(DemoAccount {
            username: username.to_string(),
            password,
            role,
            org: ids[org].0.to_string(),
        });
    }
    // SARC's warehouse, notified to Russia only.
    if store
        .notifications(hudna_access::ReadScope::All)?
        .is_empty()
    {
        let sarc = ids[4].1;
        let orgs = store.organisations()?;
        let vis = hudna_access::notification_visibility(sarc, &["RUS"], &orgs).visibility;
        let filer = store
            .user_by_username("sarc")?
            .map(|(u, _)| u.id.0)
            .unwrap_or(0);
        store.create_notification(
            &actor,
            &hudna_store::NotificationRecord {
                id: 0,
                org_id: sarc.0,
                kind: "site".into(),
                name: "SARC warehouse, Aleppo".into(),
                facility: Some("warehouse".into()),
                geometry: serde_json::json!({ "type": "Point", "coordinates": [37.155, 36.205] }),
                radius_km: Some(0.5),
                corridor_km: None,
                valid_from: Some("2016-09-10T00:00:00Z".into()),
                valid_until: Some("2016-10-01T00:00:00Z".into()),
                parties: serde_json::json!([{ "party": "RUS", "at": "2016-09-10T09:00:00Z" }]),
                truce_id: Some("issg-2016".into()),
                status: "active".into(),
                visibility: vis.to_string(),
                created_by: filer,
                created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            },
        )?;
    }
    publish_corroborated(&mut store, &actor)?;
    Ok(out)
}

/// Makes public the incidents that two or more independent sources report (grades `fair`,
/// `confirmed`, `contested`), as a contact group might publish its corroborated record for
/// journalists and researchers; single-source reports stay with the members. Each change is
/// an audited edit, like an analyst's through the API.
fn publish_corroborated(
    store: &mut hudna_store::SqliteStore,
    actor: &hudna_audit::Actor,
) -> anyhow::Result<()> {
    use hudna_core::Grade;
    use hudna_store::Store;
    let mut ids = Vec::new();
    for grade in [Grade::Confirmed, Grade::Fair, Grade::Contested] {
        let filter = hudna_store::IncidentFilter {
            grade: Some(grade),
            ..Default::default()
        };
        store.incidents(&filter, &mut |i| {
            ids.push(i.public_id);
            Ok(())
        })?;
    }
    ids.sort_unstable();
    for id in ids {
        store.edit_incident(actor, id, Some("public"), None)?;
    }
    Ok(())
}

/// The demo accounts as a table for the terminal.
pub fn accounts_text(accounts: &[DemoAccount]) -> String {
    let mut out = String::from("Demo accounts (passwords are shown only now):\n");
    for a in accounts {
        out.push_str(&format!(
            "  {:<12} {:<22} {:<13} {}\n",
            a.username,
            a.password,
            a.role.as_str(),
            a.org
        ));
    }
    out
}
