//! The `hudna` command: thin glue between the library crates and the terminal.

mod admin;
mod bench;
mod bench_ingest;
mod corpus;
mod demo;
mod extract;
mod findings;
mod incidents;
mod ingest;
mod map;
mod serve;
mod truce;

use std::path::PathBuf;

/// Extraction and ingest allocate many short-lived vectors per sentence; mimalloc serves them
/// faster than the system allocator (measured with `hudna bench extract`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// hudna: a shared, checkable record of ceasefire violations.
#[derive(Parser)]
#[command(name = "hudna", version, about, long_about = None)]
struct Cli {
    /// Read lexicons and theatres from this directory (laid out like the repository's
    /// `data/`) instead of the copy built into hudna.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// The theatre whose actors and places to use.
    #[arg(long, global = true, default_value = "syria")]
    theatre: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles (JSON Lines) and write the incidents they report (JSON Lines).
    Extract(extract::Args),
    /// Draw the theatre map (SVG) into a stand-alone HTML page, with layers and incidents.
    Map(map::Args),
    /// Truces as data: validate a truce file, load it into the record as a new version,
    /// list and show the stored truces.
    Truce(truce::TruceArgs),
    /// Judge the record's incidents against its truces and store the findings, saying what
    /// changed since the last check (or, with --truce-file, judge incidents from `hudna
    /// extract` against truce files, without a record).
    Check(truce::CheckArgs),
    /// Export the stored findings (JSON Lines or CSV), by truce and rule.
    Findings(findings::Args),
    /// Build the 2016 Syria scenario into a fresh database (ingest, consolidate, load the
    /// truce, check) and print a summary of the findings.
    Demo(demo::Args),
    /// Put articles, pages, feeds and event datasets into the record: extract, drop
    /// duplicates, link syndicated copies, consolidate incidents.
    Ingest(ingest::Args),
    /// Export the record's consolidated incidents (JSON Lines, CSV or GeoJSON).
    Incidents(incidents::Args),
    /// Print the whole record in a canonical order (to compare two databases).
    Dump(incidents::DumpArgs),
    /// Measure throughput of hudna's hot paths.
    Bench(bench::Args),
    /// Serve the API (/api/v1) and the dashboard over the record.
    Serve(serve::Args),
    /// Add and list organisations.
    Org(admin::OrgArgs),
    /// Add and list users.
    User(admin::UserArgs),
    /// Create and revoke API tokens.
    Token(admin::TokenArgs),
    /// Verify the audit log against the record, and list its entries.
    Audit(admin::AuditArgs),
}

/// Where the record is kept.
#[derive(clap::Args, Debug, Clone)]
struct DbArg {
    /// The record's database file. Commands that write the record (ingest, truce load, demo,
    /// org/user add) create it if missing; the others refuse a file that does not exist.
    #[arg(
        long,
        env = "HUDNA_DB",
        default_value = "hudna.db",
        value_name = "FILE"
    )]
    db: PathBuf,
}

impl DbArg {
    /// The record, through the `Store` trait: the backend is chosen by `hudna_store::open`.
    /// Created if missing. Its changes are logged as made by the operating-system user
    /// (`cli:<user>`).
    fn open(&self) -> anyhow::Result<Box<dyn hudna_store::Store + Send>> {
        let location = self
            .db
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("{}: not a UTF-8 path", self.db.display()))?;
        let mut store = hudna_store::open(location)?;
        store.set_batch_actor(Some(admin::cli_actor()));
        Ok(store)
    }

    /// The record, which must exist: for commands that only read it (and `check`, which
    /// judges what is there), so that a mistyped `--db` is an error, not a new empty record.
    fn open_existing(&self) -> anyhow::Result<Box<dyn hudna_store::Store + Send>> {
        let location = self
            .db
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("{}: not a UTF-8 path", self.db.display()))?;
        let mut store = hudna_store::open_existing(location)?;
        store.set_batch_actor(Some(admin::cli_actor()));
        Ok(store)
    }

    /// Refuses to write on top of a record edited outside hudna. A batch logs each row it
    /// touches as it finds it, so a row changed with `sqlite3` and then touched by an ingest
    /// or a check would enter the log as hudna's own change; the API refuses such edits
    /// (409) one record at a time, and the writing commands check the whole record first.
    /// Costs one `hudna audit verify` (about 3 s per million log entries).
    fn refuse_if_tampered(&self) -> anyhow::Result<()> {
        if !self.db.is_file() {
            return Ok(());
        }
        let store = hudna_store::SqliteStore::open_existing(&self.db)?;
        let report = store.audit_verify()?;
        if let Some(problem) = report.problem {
            anyhow::bail!(
                "{}: the record does not match its audit log ({problem}); nothing was \
                 written. Writing now would log that change as hudna's own: see \
                 `hudna audit verify --db {}` and restore the row first",
                self.db.display(),
                self.db.display()
            );
        }
        Ok(())
    }

    /// Refuses a database file that does not exist (for `serve`, which opens it itself).
    fn require_existing(&self) -> anyhow::Result<()> {
        if self.db.is_file() {
            return Ok(());
        }
        Err(hudna_store::StoreError::NoDatabase {
            path: self.db.display().to_string(),
        }
        .into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Extract(args) => extract::run(&cli, args),
        Command::Map(args) => map::run(&cli, args),
        Command::Truce(args) => truce::run_truce(&cli, args),
        Command::Check(args) => truce::run_check(&cli, args),
        Command::Findings(args) => findings::run(args),
        Command::Demo(args) => demo::run(&cli, args),
        Command::Ingest(args) => ingest::run(&cli, args),
        Command::Incidents(args) => incidents::run(&cli, args),
        Command::Dump(args) => incidents::dump(args),
        Command::Bench(args) => bench::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Org(args) => admin::run_org(args),
        Command::User(args) => admin::run_user(args),
        Command::Token(args) => admin::run_token(args),
        Command::Audit(args) => admin::run_audit(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("hudna: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn data_source(cli: &Cli) -> hudna_extract::DataSource {
    match &cli.data {
        Some(dir) => hudna_extract::DataSource::dir(dir),
        None => hudna_extract::DataSource::Bundled,
    }
}

/// Builds the extractor the command line asks for.
fn extractor(cli: &Cli) -> anyhow::Result<hudna_extract::Extractor> {
    Ok(hudna_extract::Extractor::new(
        &data_source(cli),
        &cli.theatre,
    )?)
}

/// The record's knowledge of the theatre (sides, GED actor names).
fn theatre(cli: &Cli) -> anyhow::Result<hudna_record::Theatre> {
    Ok(hudna_record::Theatre::load(
        &data_source(cli),
        &cli.theatre,
    )?)
}
