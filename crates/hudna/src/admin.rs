//! Set-up and audit commands: `hudna org`, `hudna user`, `hudna token`, `hudna audit`.
//!
//! Changes made here are logged like any other, with the operating-system user as the actor
//! (`cli:<user>`), in the same transaction as the change.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context};
use hudna_access::{OrgId, OrgKind, PasswordPolicy, Passwords, Role};
use hudna_audit::Actor;
use hudna_store::SqliteStore;

use crate::DbArg;

/// The actor of changes made from the command line.
pub fn cli_actor() -> Actor {
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            let out = std::process::Command::new("id").arg("-un").output().ok()?;
            Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
        })
        .unwrap_or_default();
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .take(64)
        .collect();
    Actor::Cli(if name.is_empty() {
        "unknown".into()
    } else {
        name
    })
}

/// The record, created if missing (`org add`, `user add`: setting up a new record).
fn open(db: &DbArg) -> anyhow::Result<SqliteStore> {
    Ok(SqliteStore::open(&db.db)?)
}

/// The record, which must exist (listing, tokens, the audit log).
fn open_existing(db: &DbArg) -> anyhow::Result<SqliteStore> {
    Ok(SqliteStore::open_existing(&db.db)?)
}

#[derive(clap::Args, Debug)]
pub struct OrgArgs {
    #[command(subcommand)]
    pub command: OrgCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum OrgCommand {
    /// Add an organisation.
    Add {
        /// Its name ("Delegation of …", "OCHA").
        name: String,
        /// member_state, un_agency, ngo or other.
        #[arg(long)]
        kind: String,
        /// Actor codes it speaks for, comma-separated (RUS,USA).
        #[arg(long, value_delimiter = ',')]
        represents: Vec<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// List organisations.
    List {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(clap::Args, Debug)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin a random password is made and printed once.
    Add {
        /// Login name (a-z, 0-9, '.', '_', '-').
        username: String,
        /// The organisation: its name or id.
        #[arg(long)]
        org: String,
        /// co_chair, member, observer, analyst, humanitarian or admin.
        #[arg(long)]
        role: String,
        /// The name shown on pages (default: the login name).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// List users.
    List {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(clap::Args, Debug)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (it is shown only once).
    Create {
        /// The user's login name.
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Revoke a token by its prefix (the 12 hex digits after `hudna_`).
    Revoke {
        /// The prefix.
        prefix: String,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the hash chain and check every audited row against its last logged version.
    /// Exits 1 naming the first bad entry or row.
    Verify {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// List entries, oldest first. When more entries follow than --limit shows, says on
    /// standard error which --after continues the listing.
    Log {
        /// Only entries at or after this time (RFC 3339, or YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Only entries after this sequence number (the last one of the previous listing:
        /// one ingest batch shares one time, so --since cannot split it).
        #[arg(long, value_name = "SEQ")]
        after: Option<i64>,
        /// At most this many.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
        limit: u64,
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn run_org(args: &OrgArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        OrgCommand::Add {
            name,
            kind,
            represents,
            db,
        } => {
            let kind: OrgKind = kind.parse().map_err(|e| anyhow!("--kind: {e}"))?;
            let mut store = open(db)?;
            let codes: Vec<String> = represents
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let id = store.create_org(&cli_actor(), name, kind, &codes)?;
            println!("organisation {id} {name:?} ({kind})");
        }
        OrgCommand::List { db } => {
            let store = open_existing(db)?;
            for o in store.organisations()? {
                println!(
                    "{}\t{}\t{}\t{}",
                    o.id,
                    o.kind,
                    o.represents.join(","),
                    o.name
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Finds an organisation by id or exact name.
pub fn find_org(store: &SqliteStore, org: &str) -> anyhow::Result<OrgId> {
    if let Ok(id) = org.parse::<i64>() {
        if store.org(OrgId(id))?.is_some() {
            return Ok(OrgId(id));
        }
    }
    match store.org_by_name(org)? {
        Some(o) => Ok(o.id),
        None => bail!("--org: no organisation named {org:?} (see `hudna org list`)"),
    }
}

/// A random password of 20 characters that meets the policy.
pub fn random_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let seed = hudna_access::NewSession::generate()?;
        let hex = seed.storage_key;
        let bytes: Vec<u8> = (0..20)
            .map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap_or(0))
            .collect();
        let pw: String = bytes
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        if PasswordPolicy::default().check(&pw, "").is_ok() {
            return Ok(pw);
        }
    }
}

/// Adds a user with a password (checked against the policy and hashed with argon2id).
pub fn add_user(
    store: &mut SqliteStore,
    actor: &Actor,
    username: &str,
    display: &str,
    org: OrgId,
    role: Role,
    password: &str,
) -> anyhow::Result<hudna_access::UserId> {
    PasswordPolicy::default()
        .check(password, username)
        .map_err(|e| anyhow!("password: {e}"))?;
    let hash = Passwords::default().hash(password)?;
    Ok(store.create_user(actor, username, display, org, role, Some(hash.as_str()))?)
}

pub fn run_user(args: &UserArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        UserCommand::Add {
            username,
            org,
            role,
            name,
            password_stdin,
            db,
        } => {
            let role: Role = role.parse().map_err(|e| anyhow!("--role: {e}"))?;
            let mut store = open(db)?;
            let org = find_org(&store, org)?;
            let (password, generated) = if *password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_to_string(&mut line)
                    .context("reading the password from standard input")?;
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (random_password()?, true)
            };
            let display = name.clone().unwrap_or_else(|| username.clone());
            let id = add_user(
                &mut store,
                &cli_actor(),
                username,
                &display,
                org,
                role,
                &password,
            )?;
            println!("user {id} {username} ({role}, organisation {org})");
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::List { db } => {
            let store = open_existing(db)?;
            for u in store.users()? {
                println!(
                    "{}\t{}\t{}\t{}\t{}{}",
                    u.id,
                    u.username,
                    u.role,
                    u.org,
                    u.display_name,
                    if u.disabled { "\t(disabled)" } else { "" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_token(args: &TokenArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        TokenCommand::Create {
            username,
            label,
            db,
        } => {
            let mut store = open_existing(db)?;
            let Some((user, _)) = store.user_by_username(username)? else {
                bail!("no user named {username:?} (see `hudna user list`)");
            };
            let token = store.create_token(&cli_actor(), user.id, label)?;
            println!("{}", token.plaintext);
            eprintln!(
                "API token {} for {username}: shown only once; send it as `Authorization: Bearer <token>`",
                token.prefix
            );
        }
        TokenCommand::Revoke { prefix, db } => {
            let mut store = open_existing(db)?;
            if !store.revoke_token(&cli_actor(), prefix)? {
                bail!("no live token with prefix {prefix:?}");
            }
            println!("revoked {prefix}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_since(s: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| anyhow!("--since `{s}`: expected an RFC 3339 time or YYYY-MM-DD"))?;
    Ok(d.and_hms_opt(0, 0, 0)
        .ok_or_else(|| anyhow!("--since `{s}`"))?
        .and_utc())
}

pub fn run_audit(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        AuditCommand::Verify { json, db } => {
            let store = open_existing(db)?;
            let report = store.audit_verify()?;
            let head = report.head.map(|h| (h.seq, h.hash.to_string()));
            if *json {
                println!(
                    "{}",
                    serde_json::json!({
                        "ok": report.problem.is_none(),
                        "entries": report.entries,
                        "rows": report.rows,
                        "bad_rows": report.bad_rows,
                        "head": head.as_ref().map(|(s, h)| serde_json::json!({"seq": s, "hash": h})),
                        "problem": report.problem,
                    })
                );
            } else {
                match &report.problem {
                    None => {
                        println!(
                            "audit log ok: {} entries, {} audited rows match their last logged versions",
                            report.entries, report.rows
                        );
                        if let Some((seq, hash)) = &head {
                            println!("head: entry {seq} {hash} (keep it outside the database as an anchor)");
                        }
                    }
                    Some(p) => {
                        eprintln!("hudna audit verify: FAILED: {p}");
                        if report.bad_rows > 1 {
                            eprintln!("({} rows in all disagree with the log)", report.bad_rows);
                        }
                    }
                }
            }
            Ok(if report.problem.is_none() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        AuditCommand::Log {
            since,
            after,
            limit,
            json,
            db,
        } => {
            if let Some(a) = after {
                if *a < 0 {
                    bail!("--after {a}: a sequence number is 0 or more");
                }
            }
            let since = since.as_deref().map(parse_since).transpose()?;
            let store = open_existing(db)?;
            let limit = usize::try_from(*limit).unwrap_or(usize::MAX);
            let mut rows = store.audit_page(since, *after, limit.saturating_add(1))?;
            let more = rows.len() > limit;
            rows.truncate(limit);
            let last = rows.last().map(|r| r.seq);
            for r in rows {
                if *json {
                    println!(
                        "{}",
                        serde_json::json!({
                            "seq": r.seq, "at": r.at, "actor": r.actor, "action": r.action,
                            "record_kind": r.record_kind, "record_id": r.record_id,
                            "before_hash": r.before_hash, "after_hash": r.after_hash,
                            "prev_hash": r.prev_hash, "hash": r.hash,
                        })
                    );
                } else {
                    println!(
                        "{}\t{}\t{}\t{}\t{} {}\t{}",
                        r.seq,
                        r.at,
                        r.actor,
                        r.action,
                        r.record_kind,
                        r.record_id,
                        &r.hash[..16.min(r.hash.len())]
                    );
                }
            }
            if let (true, Some(seq)) = (more, last) {
                eprintln!("hudna audit log: more entries follow; continue with --after {seq}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
